package dev.spillway.agent.executor.jetty;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.executor.ExecutorView;
import dev.spillway.agent.executor.RejectionPolicy;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.RejectedExecutionException;

/**
 * Reads Jetty's {@code org.eclipse.jetty.util.thread.QueuedThreadPool} through its own getters
 * (method handles, looked up once per pool): threads {@code getThreads()}, active
 * {@code getBusyThreads()} (threads running a job, not idle or reserved), core
 * {@code getMinThreads()}, limit {@code getMaxThreads()}, queue {@code getQueueSize()} and the job
 * queue's capacity. Jetty counts no completed jobs, and its workers' loop is not woven: tasks are
 * not timed.
 */
final class JettyThreadPoolView extends ExecutorView {

  static final String POOL = "org.eclipse.jetty.util.thread.QueuedThreadPool";

  private final MethodHandle threads;
  private final MethodHandle busy;
  private final MethodHandle min;
  private final MethodHandle max;
  private final MethodHandle queued;
  private final MethodHandle jobs;
  private final MethodHandle running;
  private final MethodHandle stopped;
  private final MethodHandle name;

  private JettyThreadPoolView(Class<?> type) throws ReflectiveOperationException {
    threads = getter(type, "getThreads", int.class);
    busy = getter(type, "getBusyThreads", int.class);
    min = getter(type, "getMinThreads", int.class);
    max = getter(type, "getMaxThreads", int.class);
    queued = getter(type, "getQueueSize", int.class);
    running = getter(type, "isRunning", boolean.class);
    stopped = getter(type, "isStopped", boolean.class);
    name = getter(type, "getName", String.class);
    // getQueue() is protected: for its capacity, and so that a JDK queue is not reported twice.
    Method getQueue = type.getDeclaredMethod("getQueue");
    getQueue.setAccessible(true);
    jobs = MethodHandles.lookup().unreflect(getQueue).asType(MethodType.methodType(Object.class, Object.class));
  }

  /** The view of {@code pool} if it is a {@code QueuedThreadPool} (or subclass); null otherwise. */
  static ExecutorView of(Object pool) {
    Class<?> type = libraryClass(pool, POOL);
    if (type == null) {
      return null;
    }
    try {
      return new JettyThreadPoolView(type);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      AgentLog.debug("Jetty thread pool " + pool.getClass().getName() + " not tracked: " + e);
      return null;
    }
  }

  @Override public int poolSize(Object e) { return (Integer) call(threads, e); }
  @Override public int activeCount(Object e) { return (Integer) call(busy, e); }
  @Override public int corePoolSize(Object e) { return (Integer) call(min, e); }
  @Override public int maximumPoolSize(Object e) { return (Integer) call(max, e); }
  @Override public int queueSize(Object e) { return (Integer) call(queued, e); }
  @Override public BlockingQueue<?> queue(Object e) { return (BlockingQueue<?>) call(jobs, e); }
  @Override public long completedTaskCount(Object e) { return -1; }
  @Override public boolean isShutdown(Object e) { return !(Boolean) call(running, e); }
  /** Stopped, and it had started: a pool not started yet is stopped too, and has no thread. */
  @Override public boolean isTerminated(Object e) { return (Boolean) call(stopped, e) && poolSize(e) == 0; }
  /** The pool is its own thread factory. */
  @Override public Object threadFactory(Object e) { return e; }
  @Override public String ownName(Object e) { return (String) call(name, e); }
  @Override public boolean timesTasks() { return false; }
  /** It throws {@code RejectedExecutionException} when its bounded queue is full: abort. */
  @Override public RejectionPolicy policy(Object e) { return RejectionPolicy.ABORT; }

  /** Jetty has no rejection handler: a rule's {@code handler} action refuses as its own would. */
  @Override
  public void handOver(Object executor, Runnable task) {
    throw new RejectedExecutionException(task.toString());
  }
}
