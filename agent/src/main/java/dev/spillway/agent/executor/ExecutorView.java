package dev.spillway.agent.executor;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * How the executor family reads one kind of thread pool: the JDK's {@code ThreadPoolExecutor}, or
 * a library's copy of it with the same getters (Tomcat's) that the agent can only reach through
 * method handles, its class being in the application's loader. Called at collection, binding and
 * rejection time, never per task.
 */
public abstract class ExecutorView {

  /** The JDK's {@code ThreadPoolExecutor} and its subclasses: direct calls. */
  static final ExecutorView JDK = new ExecutorView() {
    @Override public int poolSize(Object e) { return ((ThreadPoolExecutor) e).getPoolSize(); }
    @Override public int activeCount(Object e) { return ((ThreadPoolExecutor) e).getActiveCount(); }
    @Override public int corePoolSize(Object e) { return ((ThreadPoolExecutor) e).getCorePoolSize(); }
    @Override public int maximumPoolSize(Object e) { return ((ThreadPoolExecutor) e).getMaximumPoolSize(); }
    @Override public BlockingQueue<?> queue(Object e) { return ((ThreadPoolExecutor) e).getQueue(); }
    @Override public long completedTaskCount(Object e) { return ((ThreadPoolExecutor) e).getCompletedTaskCount(); }
    @Override public boolean isShutdown(Object e) { return ((ThreadPoolExecutor) e).isShutdown(); }
    @Override public boolean isTerminated(Object e) { return ((ThreadPoolExecutor) e).isTerminated(); }
    @Override public ThreadFactory threadFactory(Object e) { return ((ThreadPoolExecutor) e).getThreadFactory(); }

    @Override
    public RejectionPolicy policy(Object e) {
      return RejectionPolicy.of(((ThreadPoolExecutor) e).getRejectedExecutionHandler());
    }

    @Override
    public void handOver(Object e, Runnable task) {
      ThreadPoolExecutor pool = (ThreadPoolExecutor) e;
      RejectedExecutionHandler handler = pool.getRejectedExecutionHandler();
      handler.rejectedExecution(task, pool);
    }
  };

  public abstract int poolSize(Object executor);

  /** May take the pool's lock and look at each worker; see {@code onWorkerSeen}. */
  public abstract int activeCount(Object executor);

  public abstract int corePoolSize(Object executor);

  /** {@code Integer.MAX_VALUE} when unbounded. */
  public abstract int maximumPoolSize(Object executor);

  public abstract BlockingQueue<?> queue(Object executor);

  public abstract long completedTaskCount(Object executor);

  public abstract boolean isShutdown(Object executor);

  public abstract boolean isTerminated(Object executor);

  public abstract ThreadFactory threadFactory(Object executor);

  /** The pool's rejection handler, as {@code jvm.executor.rejection.policy}. */
  public abstract RejectionPolicy policy(Object executor);

  /** Hands a task a shedding rule refused to the pool's own rejection handler. */
  public abstract void handOver(Object executor, Runnable task);
}
