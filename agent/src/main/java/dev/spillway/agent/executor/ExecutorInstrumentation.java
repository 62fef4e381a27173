package dev.spillway.agent.executor;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.bootstrap.ExecutorHooks;
import java.util.Set;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;

/**
 * Advice for {@code ThreadPoolExecutor}, its worker, and {@code ScheduledThreadPoolExecutor}.
 *
 * <p>Only the JDK classes are rewritten; subclasses inherit the advice through the methods they
 * do not override, and every path a task takes runs through one of these: {@code execute} (which
 * {@code submit} and {@code invokeAll} call), {@code reject}, the private {@code getTask} (the
 * single place a worker takes a task) and the worker's own {@code run}. A scheduled executor
 * queues through {@code delayedExecute} instead of {@code execute}. Tasks are never wrapped.
 *
 * <p>Library copies of the JDK's executor (Tomcat's) reuse the public advice classes here.
 *
 * <p>Each advice reads its arguments and calls one {@link ExecutorHooks} method; it is inlined into
 * java.base, so it names bootstrap types only, and {@code suppress} keeps any failure of ours out of
 * the application.
 */
public final class ExecutorInstrumentation implements TypeInstrumentation {

  static final String EXECUTOR = "java.util.concurrent.ThreadPoolExecutor";
  static final String WORKER = EXECUTOR + "$Worker";
  static final String SCHEDULED = "java.util.concurrent.ScheduledThreadPoolExecutor";

  private final AsmVisitorWrapper executor = new AsmVisitorWrapper.Compound(
      // Every public constructor delegates to the seven-argument one.
      Advice.to(ConstructorAdvice.class).on(isConstructor().and(takesArguments(7))),
      Advice.to(ExecuteAdvice.class).on(named("execute").and(takesArguments(Runnable.class))),
      Advice.to(RejectAdvice.class).on(named("reject").and(takesArguments(Runnable.class))),
      Advice.to(GetTaskAdvice.class).on(named("getTask").and(takesNoArguments())),
      Advice.to(WorkerExitAdvice.class).on(named("processWorkerExit").and(takesArguments(2))));

  private final AsmVisitorWrapper worker = new AsmVisitorWrapper.Compound(
      Advice.to(WorkerCreatedAdvice.class).on(isConstructor()),
      Advice.to(WorkerRunAdvice.class).on(named("run").and(takesNoArguments())),
      Advice.to(WorkerSeenAdvice.class).on(named("isLocked").and(takesNoArguments())));

  private final AsmVisitorWrapper scheduled =
      Advice.to(ScheduleAdvice.class).on(named("delayedExecute").and(takesArguments(1)));

  @Override
  public Set<String> typeNames() {
    return Set.of(EXECUTOR, WORKER, SCHEDULED);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    switch (type.getName()) {
      case EXECUTOR: return builder.visit(executor);
      case WORKER: return builder.visit(worker);
      case SCHEDULED: return builder.visit(scheduled);
      default: return builder;
    }
  }

  public static final class ConstructorAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object executor) {
      ExecutorHooks.onConstructed(executor);
    }
  }

  /**
   * Not {@code suppress}: a shedding rule's refusal must reach the caller, as the pool's own would.
   * The hook guarantees that nothing else escapes; returning true skips {@code execute}.
   */
  public static final class ExecuteAdvice {
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This Object executor, @Advice.Argument(0) Object task) {
      return ExecutorHooks.onExecute(executor, task);
    }
  }

  static final class RejectAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object executor, @Advice.Argument(0) Object task) {
      ExecutorHooks.onReject(executor, task);
    }
  }

  public static final class GetTaskAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object executor) {
      return ExecutorHooks.beforeGetTask(executor);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object executor, @Advice.Enter Object state,
        @Advice.Return Object task) {
      ExecutorHooks.afterGetTask(executor, state, task);
    }
  }

  public static final class WorkerExitAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object executor) {
      ExecutorHooks.onWorkerExit(executor);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.This Object executor) {
      ExecutorHooks.afterWorkerExit(executor);
    }
  }

  public static final class WorkerCreatedAdvice {
    @Advice.OnMethodExit(suppress = Throwable.class)
    static void exit(@Advice.FieldValue("this$0") Object executor,
        @Advice.FieldValue("thread") Thread thread) {
      ExecutorHooks.onWorkerCreated(executor, thread);
    }
  }

  /** {@code getActiveCount} asks every worker {@code isLocked()}: a look at each worker's thread. */
  public static final class WorkerSeenAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("this$0") Object executor, @Advice.FieldValue("thread") Thread thread) {
      ExecutorHooks.onWorkerSeen(executor, thread);
    }
  }

  public static final class WorkerRunAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.FieldValue("this$0") Object executor,
        @Advice.FieldValue("firstTask") Object firstTask) {
      ExecutorHooks.onWorkerStart(executor, firstTask);
    }
  }

  /** As {@link ExecuteAdvice}. Periodic re-runs go through {@code reExecutePeriodic}: never shed. */
  static final class ScheduleAdvice {
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.This Object executor, @Advice.Argument(0) Object task) {
      return ExecutorHooks.onSchedule(executor, task);
    }
  }
}
