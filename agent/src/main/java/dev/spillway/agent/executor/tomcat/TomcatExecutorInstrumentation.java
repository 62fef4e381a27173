package dev.spillway.agent.executor.tomcat;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.field;
import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import dev.spillway.agent.executor.ExecutorInstrumentation;
import dev.spillway.agent.executor.ExecutorView;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.pool.LibraryCheck;
import dev.spillway.bootstrap.ExecutorHooks;
import java.util.List;
import java.util.Set;
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
 */
public final class TomcatExecutorInstrumentation implements TypeInstrumentation {

  static final String EXECUTOR = TomcatExecutorView.EXECUTOR;
  static final String WORKER = EXECUTOR + "$Worker";

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
      field(WORKER, "firstTask")));

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

  /** The view of a Tomcat executor, or null for any other object. */
  public static ExecutorView view(Object executor) {
    return TomcatExecutorView.of(executor);
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(EXECUTOR, WORKER);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return check.accepts(loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder.visit(WORKER.equals(type.getName()) ? worker : executor);
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
