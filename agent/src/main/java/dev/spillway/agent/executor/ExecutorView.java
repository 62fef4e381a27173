package dev.spillway.agent.executor;

import dev.spillway.agent.executor.reactor.BoundedElasticInstrumentation;
import dev.spillway.agent.executor.vertx.VertxTaskQueues;
import dev.spillway.agent.util.QueueCapacity;
import dev.spillway.agent.util.QueueSizes;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
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
    @Override public Object threadFactory(Object e) { return ((ThreadPoolExecutor) e).getThreadFactory(); }

    /** The work queue's, plus what waits in Vert.x's task queues in front of it (ordered blocking calls). */
    @Override
    public int queueSize(Object e) {
      return super.queueSize(e) + VertxTaskQueues.backlog(e);
    }

    /** The work queue's, unless the executor bounds its queue itself (Reactor's elastic workers). */
    @Override
    public long queueCapacity(Object e, long lastKnown) {
      long own = BoundedElasticInstrumentation.queueCapacity(e);
      return own != BoundedElasticInstrumentation.NOT_BOUNDED_HERE ? own : super.queueCapacity(e, lastKnown);
    }

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

  /** Core threads; -1 when the pool has no such notion (none is reported). */
  public abstract int corePoolSize(Object executor);

  /** {@code Integer.MAX_VALUE} when unbounded. */
  public abstract int maximumPoolSize(Object executor);

  /** The work queue; null for a pool without one (a {@code ForkJoinPool}: override the two below). */
  public abstract BlockingQueue<?> queue(Object executor);

  /** Tasks waiting. */
  public int queueSize(Object executor) {
    return QueueSizes.of(queue(executor));
  }

  /**
   * Most tasks the queue holds, {@code -1} when unbounded; may lock the queue (collection and
   * binding only). See {@link QueueCapacity#of}.
   */
  public long queueCapacity(Object executor, long lastKnown) {
    return QueueCapacity.of(queue(executor), lastKnown);
  }

  /** Tasks completed; -1 when the pool does not count them (none is reported). */
  public abstract long completedTaskCount(Object executor);

  public abstract boolean isShutdown(Object executor);

  public abstract boolean isTerminated(Object executor);

  /** The thread factory: the agent's own executors are recognised by theirs. */
  public abstract Object threadFactory(Object executor);

  /**
   * Whether its tasks can be timed: the agent sees each task taken by a worker ({@code getTask}).
   * When not, no task is sampled at submit.
   */
  public boolean timesTasks() {
    return true;
  }

  /** The pool's own name, when it has one its threads are named after; null when it has none. */
  public String ownName(Object executor) {
    return null;
  }

  /** Whether shedding rules apply: its submits are woven (not a {@code ForkJoinPool}'s). */
  public boolean sheddable() {
    return true;
  }

  /** Threads running a task and not blocked in it; -1 when not known (a {@code ForkJoinPool} knows). */
  public int runningThreads(Object executor) {
    return -1;
  }

  /** Of {@link #queueSize}, the tasks submitted from outside the pool; -1 when not told apart. */
  public long queuedSubmissions(Object executor) {
    return -1;
  }

  /** Tasks taken from another worker's queue, since the pool started; -1 when not counted. */
  public long stolenTasks(Object executor) {
    return -1;
  }

  /** The pool's rejection handler, as {@code jvm.executor.rejection.policy}. */
  public abstract RejectionPolicy policy(Object executor);

  /** Hands a task a shedding rule refused to the pool's own rejection handler. */
  public abstract void handOver(Object executor, Runnable task);

  /**
   * What counts the runs of a pool that does not count them itself (JBoss Threads' executor):
   * given to the hooks around each of its tasks. Null for a pool that counts its own.
   */
  public RunCounts runCounts() {
    return null;
  }

  /** The class named {@code name} among {@code pool}'s class and its superclasses; null if none. */
  protected static Class<?> libraryClass(Object pool, String name) {
    Class<?> type = pool.getClass();
    while (type != null && !name.equals(type.getName())) {
      type = type.getSuperclass();
    }
    return type;
  }

  /**
   * A library pool's public getter as a handle typed {@code Object(Object)}, dispatched virtually
   * (a subclass's override is what is read): collection and binding only, where boxing costs
   * nothing that matters.
   */
  protected static MethodHandle getter(Class<?> type, String name, Class<?> result)
      throws ReflectiveOperationException {
    return MethodHandles.publicLookup().findVirtual(type, name, MethodType.methodType(result))
        .asType(MethodType.methodType(Object.class, Object.class));
  }

  /** Calls a {@link #getter}; the pool's own unchecked exceptions pass unchanged. */
  protected static Object call(MethodHandle getter, Object pool) {
    try {
      return (Object) getter.invokeExact(pool);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }
}
