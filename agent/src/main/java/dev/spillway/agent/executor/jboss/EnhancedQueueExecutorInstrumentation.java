package dev.spillway.agent.executor.jboss;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.anyMethod;
import static dev.spillway.agent.pool.LibraryCheck.Requirement.field;
import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
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
 * Advice for JBoss Threads' {@code EnhancedQueueExecutor} ({@code jboss-threads} 3.x, tested: 3.7
 * under Undertow 2.3), the pool XNIO runs Undertow's blocking handlers on (and WildFly's and
 * Quarkus's workers): its constructor (the pool is listed, named, from then on), {@code execute},
 * where a shedding rule refuses, its four {@code reject…} methods (a full queue, shutdown, no
 * thread, a thread that failed to start: each hands the task to the pool's handoff executor, and
 * each is one refusal, counted at entry), and the {@code run} of its own task wrapper
 * ({@code EnhancedQueueExecutor$Task}), around which active and completed tasks are counted
 * ({@link EnhancedQueueExecutorView}). Its worker loop is not woven, so a pool that runs when the
 * agent attaches is never left in an old version of it.
 */
public final class EnhancedQueueExecutorInstrumentation implements TypeInstrumentation {

  static final String EXECUTOR = EnhancedQueueExecutorView.EXECUTOR;
  static final String TASK = EXECUTOR + "$Task";
  private static final String[] REJECTS = {"rejectQueueFull", "rejectShutdown", "rejectNoThread", "rejectException"};

  private final LibraryCheck check = new LibraryCheck("JBoss Threads EnhancedQueueExecutor", List.of(
      method(EXECUTOR, "execute", "java.lang.Runnable"),
      anyMethod(EXECUTOR, "rejectQueueFull"),
      anyMethod(EXECUTOR, "rejectShutdown"),
      method(EXECUTOR, "getPoolSize"),
      method(EXECUTOR, "getCorePoolSize"),
      method(EXECUTOR, "getMaximumPoolSize"),
      method(EXECUTOR, "getQueueSize"),
      method(EXECUTOR, "getMaximumQueueSize"),
      method(EXECUTOR, "getHandoffExecutor"),
      method(EXECUTOR, "isShutdown"),
      method(EXECUTOR, "isTerminated"),
      field(EXECUTOR, "threadFactory"),
      method(TASK, "run"),
      field(TASK, "this$0")));

  private final AsmVisitorWrapper executor = new AsmVisitorWrapper.Compound(
      Advice.to(ExecutorInstrumentation.ConstructorAdvice.class).on(isConstructor()),
      Advice.to(ExecutorInstrumentation.ExecuteAdvice.class).on(named("execute").and(takesArguments(Runnable.class))),
      Advice.to(RejectAdvice.class).on(namedOneOf(REJECTS)));

  private final AsmVisitorWrapper task =
      Advice.to(TaskRunAdvice.class).on(named("run").and(takesNoArguments()));

  /** The view of a JBoss Threads executor, or null for any other object. */
  public static ExecutorView view(Object executor) {
    return EnhancedQueueExecutorView.of(executor);
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(EXECUTOR, TASK);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return check.accepts(loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder.visit(TASK.equals(type.getName()) ? task : executor);
  }

  /** Each {@code reject…} method is one final refusal, whatever its handoff executor then does. */
  static final class RejectAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object executor, @Advice.Argument(0) Object task) {
      ExecutorHooks.onReject(executor, task);
    }
  }

  /** Around one task: what the pool's own counters would do with statistics on. */
  static final class TaskRunAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.FieldValue("this$0") Object executor) {
      return ExecutorHooks.onTaskStart(executor);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter Object runs) {
      ExecutorHooks.onTaskEnd(runs);
    }
  }
}
