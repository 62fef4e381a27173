package dev.spillway.agent.executor.tomcat;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.field;
import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import dev.spillway.agent.executor.ExecutorInstrumentation;
import dev.spillway.agent.executor.ExecutorView;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.pool.LibraryCheck;
import dev.spillway.bootstrap.ExecutorHooks;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;

/**
 * Advice for Tomcat's own executor, {@code org.apache.tomcat.util.threads.ThreadPoolExecutor}
 * ({@code tomcat-embed-core}, tested: 10.1 and 11.0), which runs every request of a connector.
 * It is a copy of the JDK's class, not a subclass, with the same constructor, worker,
 * {@code getTask}, {@code processWorkerExit} and getters, so the JDK executor's advice is woven in
 * as it is and its executors join {@code jvm.executor.*} ({@link TomcatExecutorView} reads them).
 *
 * <p>Rejections differ. Tomcat's {@code execute} catches the {@code RejectedExecutionException}
 * its handler throws from {@code reject} and then tries {@code TaskQueue.force}: the task may be
 * queued after all, or refused with a new exception. So a refusal is counted where it is final,
 * once: when {@code execute} throws it, or when {@code reject}'s handler returned normally (a
 * handler that runs or drops the task instead of throwing).
 *
 * <p><b>Observing.</b> When the executor class loaded before the agent (an attach), it is left as
 * it is, as the JDK's is (see {@link ExecutorInstrumentation}): its running workers keep their
 * compiled loop. Its executors are then found from their threads, read through their getters,
 * shed at their work queue ({@code TaskQueue}, a {@code LinkedBlockingQueue}) and their refusals
 * counted where they are final: when {@code TaskQueue.force}, Tomcat's last try, fails.
 */
public final class TomcatExecutorInstrumentation implements TypeInstrumentation {

  public static final String EXECUTOR = TomcatExecutorView.EXECUTOR;
  static final String WORKER = EXECUTOR + "$Worker";
  /** The work queue of Tomcat's executors: woven only while the executor class is observed. */
  static final String TASK_QUEUE = "org.apache.tomcat.util.threads.TaskQueue";

  private final LibraryCheck check = new LibraryCheck("Tomcat executor", List.of(
      method(EXECUTOR, "execute", "java.lang.Runnable"),
      method(EXECUTOR, "reject", "java.lang.Runnable"),
      method(EXECUTOR, "getTask"),
      method(EXECUTOR, "processWorkerExit", WORKER, "boolean"),
      method(EXECUTOR, "getPoolSize"),
      method(EXECUTOR, "getActiveCount"),
      method(EXECUTOR, "getCorePoolSize"),
      method(EXECUTOR, "getMaximumPoolSize"),
      method(EXECUTOR, "getQueue"),
      method(EXECUTOR, "getCompletedTaskCount"),
      method(EXECUTOR, "getThreadFactory"),
      method(EXECUTOR, "getRejectedExecutionHandler"),
      method(WORKER, "run"),
      method(WORKER, "isLocked"),
      field(WORKER, "this$0"),
      field(WORKER, "thread"),
      field(WORKER, "firstTask"),
      method(TASK_QUEUE, "force", "java.lang.Runnable"),
      field(TASK_QUEUE, "parent")));

  private final AsmVisitorWrapper executor = new AsmVisitorWrapper.Compound(
      Advice.to(ExecutorInstrumentation.ConstructorAdvice.class).on(isConstructor().and(takesArguments(7))),
      Advice.to(ExecutorInstrumentation.LibraryExecuteAdvice.class).on(named("execute").and(takesArguments(Runnable.class))),
      Advice.to(RejectAdvice.class).on(named("reject").and(takesArguments(Runnable.class))),
      Advice.to(ExecutorInstrumentation.GetTaskAdvice.class).on(named("getTask").and(takesNoArguments())),
      Advice.to(ExecutorInstrumentation.WorkerExitAdvice.class)
          .on(named("processWorkerExit").and(takesArguments(2))));

  private final AsmVisitorWrapper worker = new AsmVisitorWrapper.Compound(
      Advice.to(ExecutorInstrumentation.WorkerCreatedAdvice.class).on(isConstructor()),
      Advice.to(ExecutorInstrumentation.WorkerRunAdvice.class).on(named("run").and(takesNoArguments())),
      Advice.to(ExecutorInstrumentation.WorkerSeenAdvice.class).on(named("isLocked").and(takesNoArguments())));

  private final AsmVisitorWrapper taskQueue = Advice.to(ForceAdvice.class)
      .on(named("force").and(takesArguments(1)).and(not(isBridge())));

  private final BooleanSupplier observing;

  /** Rewrites the executor class itself: it had not loaded before the agent. */
  public TomcatExecutorInstrumentation() {
    this(() -> false);
  }

  /** @param observing whether Tomcat's executor class loaded unrewritten: see the class */
  public TomcatExecutorInstrumentation(BooleanSupplier observing) {
    this.observing = observing;
  }

  /** The view of a Tomcat executor, or null for any other object. */
  public static ExecutorView view(Object executor) {
    return TomcatExecutorView.of(executor);
  }

  /** Whether {@code view} reads a Tomcat executor. */
  public static boolean isTomcat(ExecutorView view) {
    return view instanceof TomcatExecutorView;
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(EXECUTOR, WORKER, TASK_QUEUE);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    switch (type.getName()) {
      case EXECUTOR: return !observing.getAsBoolean() && check.accepts(loader);
      case TASK_QUEUE: return observing.getAsBoolean() && check.accepts(loader);
      default: return check.accepts(loader);
    }
  }

  /** As the JDK's executor: never restored at a detach, rewritten only when not observed. */
  @Override
  public boolean retransforms(String typeName, boolean restoring) {
    return !typeName.equals(EXECUTOR) || (!restoring && !observing.getAsBoolean());
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    switch (type.getName()) {
      case WORKER: return builder.visit(worker);
      case TASK_QUEUE: return builder.visit(taskQueue);
      default: return builder.visit(executor);
    }
  }

  /**
   * An observed executor's final refusal: {@code force} failed (false, or a shut-down executor's
   * exception). Counted as a policy's rejection, so that a refusal by a rule at the queue is
   * labelled shed; while it runs, its insert is refused again by that rule without asking it
   * twice (see {@code ExecutorHookDelegate.refuseAtQueue}).
   */
  static final class ForceAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("parent") Object executor) {
      ExecutorHooks.beforeForce(executor);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.FieldValue("parent") Object executor, @Advice.Argument(0) Object task,
        @Advice.Return boolean queued, @Advice.Thrown Throwable thrown) {
      ExecutorHooks.afterForce(executor, task,
          executor != null && (thrown instanceof RejectedExecutionException || (thrown == null && !queued)));
    }
  }

  /** Counted only when the handler returned: a thrown refusal is retried, see the class comment. */
  static final class RejectAdvice {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object executor, @Advice.Argument(0) Object task,
        @Advice.Thrown Throwable thrown) {
      if (thrown == null) {
        ExecutorHooks.onReject(executor, task);
      }
    }
  }
}
