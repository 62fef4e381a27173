package dev.spillway.agent.executor;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.util.Glob;
import java.lang.StackWalker.StackFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
  private static final Pattern JDK_DEFAULT = Pattern.compile("pool-\\d+-thread|Thread");

  /** Frames from these packages are plumbing, not the code that owns an executor. */
  private static final String[] PLUMBING = {
      "java.", "javax.", "jdk.", "sun.", "com.sun.", "dev.spillway.",
      "com.google.common.util.concurrent.", "org.springframework.", "io.micrometer.",
      "kotlinx.coroutines.", "scala.concurrent."};

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private final List<Map.Entry<Glob, String>> renames;

  ExecutorNaming(String renameSpec) {
    this.renames = parseRenames(renameSpec);
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
    for (Map.Entry<Glob, String> rename : renames) {
      if (rename.getKey().matches(derived)) {
        return rename.getValue();
      }
    }
    return derived;
  }

  /** The class of the first frame on this stack that is not JDK, agent or executor plumbing. */
  static String callSite() {
    Optional<String> site = WALKER.walk(frames -> frames
        .filter(ExecutorNaming::isOwnerFrame)
        .findFirst()
        .map(frame -> className(frame.getClassName())));
    return site.orElse(null);
  }

  private static boolean isOwnerFrame(StackFrame frame) {
    String name = frame.getClassName();
    for (String prefix : PLUMBING) {
      if (name.startsWith(prefix)) {
        return false;
      }
    }
    // The constructor of a ThreadPoolExecutor subclass is part of the executor, not its owner.
    return !("<init>".equals(frame.getMethodName())
        && ThreadPoolExecutor.class.isAssignableFrom(frame.getDeclaringClass()));
  }

  /** {@code com.acme.Foo$$Lambda/0x0123} and {@code com.acme.Foo$$Lambda$14} become {@code com.acme.Foo}. */
  static String className(String frameClass) {
    int lambda = frameClass.indexOf("$$");
    String name = lambda > 0 ? frameClass.substring(0, lambda) : frameClass;
    int hidden = name.indexOf('/');
    return hidden > 0 ? name.substring(0, hidden) : name;
  }

  private static List<Map.Entry<Glob, String>> parseRenames(String spec) {
    List<Map.Entry<Glob, String>> renames = new ArrayList<>();
    if (spec == null || spec.isBlank()) {
      return renames;
    }
    Map<String, String> seen = new HashMap<>();
    for (String part : spec.split(";")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.lastIndexOf('=');
      if (eq <= 0 || eq == part.length() - 1) {
        AgentLog.warn("spillway.executor.names: '" + part.trim() + "' is not glob=name; ignored");
        continue;
      }
      String glob = part.substring(0, eq).trim();
      String name = part.substring(eq + 1).trim();
      if (seen.putIfAbsent(glob, name) == null) {
        renames.add(Map.entry(Glob.of(glob), name));
      }
    }
    return renames;
  }
}
