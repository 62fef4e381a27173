package dev.spillway.agent.executor;

import dev.spillway.agent.util.CallSites;
import dev.spillway.agent.util.Renames;
import java.lang.StackWalker.StackFrame;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.regex.Pattern;

/**
 * How an executor gets its {@code jvm.executor.name}: stable across restarts, meaningful, and
 * low-cardinality.
 *
 * <ol>
 *   <li>The name of its first worker thread without the trailing number
 *       ({@code http-nio-8080-exec-7} gives {@code http-nio-8080-exec}), unless that name is a JDK
 *       default ({@code pool-3-thread-1}, {@code Thread-12}), which says nothing and changes with
 *       creation order;
 *   <li>otherwise the class whose code constructed the executor ({@code com.acme.OrderService}),
 *       skipping the JDK, factories and the executor's own constructors;
 *   <li>otherwise (attached to a running JVM, constructor not seen) the class that submitted the
 *       first task; and last the executor's simple class name.
 * </ol>
 *
 * Renames from {@code spillway.executor.names} apply to the derived name.
 */
final class ExecutorNaming {

  private static final Pattern TRAILING_NUMBER = Pattern.compile("[-_. #]*\\d+$");
  private static final Pattern JDK_DEFAULT = Pattern.compile("pool-\\d+-thread|Thread|ForkJoinPool-\\d+-worker");

  /** Frames from these packages are plumbing, not the code that owns an executor. */
  private static final String[] PLUMBING = {
      "java.", "javax.", "jdk.", "sun.", "com.sun.", "dev.spillway.agent.", "dev.spillway.bootstrap.",
      "com.google.common.util.concurrent.", "org.springframework.", "io.micrometer.",
      "kotlinx.coroutines.", "scala.concurrent."};

  private final Renames renames;

  ExecutorNaming(String renameSpec) {
    this.renames = Renames.parse(renameSpec, "spillway.executor.names");
  }

  /** The executor's name before renames and de-duplication. */
  static String derive(String firstThreadName, String constructionSite, String submitSite, String type) {
    String fromThread = fromThreadName(firstThreadName);
    if (fromThread != null) {
      return fromThread;
    }
    if (constructionSite != null) {
      return constructionSite;
    }
    if (submitSite != null) {
      return submitSite;
    }
    int dot = type.lastIndexOf('.');
    return type.substring(dot + 1);
  }

  /** The thread name without its trailing number, or null when it is a JDK default. */
  static String fromThreadName(String threadName) {
    if (threadName == null || threadName.isBlank()) {
      return null;
    }
    String base = TRAILING_NUMBER.matcher(threadName.trim()).replaceFirst("");
    if (base.isEmpty() || JDK_DEFAULT.matcher(base).matches()) {
      return null;
    }
    return base;
  }

  /** Applies the first matching rename, if any. */
  String rename(String derived) {
    return renames.apply(derived);
  }


  /** The class of the first frame on this stack that is not JDK, agent or executor plumbing. */
  static String callSite() {
    return CallSites.owner(ExecutorNaming::isPlumbing, false);
  }

  private static boolean isPlumbing(StackFrame frame) {
    // The constructor of a ThreadPoolExecutor subclass is part of the executor, not its owner.
    return CallSites.startsWithAny(frame.getClassName(), PLUMBING)
        || ("<init>".equals(frame.getMethodName())
            && ThreadPoolExecutor.class.isAssignableFrom(frame.getDeclaringClass()));
  }
}
