package dev.spillway.agent.executor.jetty;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

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
 * Advice for Jetty 12's {@code QueuedThreadPool} ({@code jetty-util}, tested: 12.1), the pool
 * that runs a Jetty server's acceptors, selectors and requests: only {@code execute}, where a
 * shedding rule refuses and where the pool's own refusal (a full bounded job queue, or a stopped
 * pool) leaves as a {@code RejectedExecutionException}, counted once; and {@code runJob}, which
 * a worker calls for each job it took, where a job submitted inside a trace ends its wait (its
 * wait span). Its worker loop is not woven (so a running pool is never left in an old version of
 * it after an attach): no task timing. A pool is found at its first {@code execute} after the agent, which a serving Jetty
 * makes on every request.
 */
public final class JettyThreadPoolInstrumentation implements TypeInstrumentation {

  static final String POOL = JettyThreadPoolView.POOL;

  private final LibraryCheck check = new LibraryCheck("Jetty QueuedThreadPool", List.of(
      method(POOL, "execute", "java.lang.Runnable"),
      method(POOL, "runJob", "java.lang.Runnable"),
      method(POOL, "getThreads"),
      method(POOL, "getBusyThreads"),
      method(POOL, "getMinThreads"),
      method(POOL, "getMaxThreads"),
      method(POOL, "getQueueSize"),
      method(POOL, "getQueue"),
      method(POOL, "getName"),
      method(POOL, "isRunning"),
      method(POOL, "isStopped")));

  private final AsmVisitorWrapper pool = new AsmVisitorWrapper.Compound(
      Advice.to(ExecutorInstrumentation.LibraryExecuteAdvice.class).on(named("execute").and(takesArguments(Runnable.class))),
      Advice.to(RunJobAdvice.class).on(named("runJob").and(takesArguments(Runnable.class))));

  /** The view of a Jetty thread pool, or null for any other object. */
  public static ExecutorView view(Object pool) {
    return JettyThreadPoolView.of(pool);
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(POOL);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return check.accepts(loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder.visit(pool);
  }

  /** A worker is about to run a job it took from the queue: the end of a traced job's wait. */
  static final class RunJobAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object pool, @Advice.Argument(0) Object job) {
      ExecutorHooks.onTaskTaken(pool, job);
    }
  }
}
