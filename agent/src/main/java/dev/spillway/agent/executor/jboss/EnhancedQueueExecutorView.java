package dev.spillway.agent.executor.jboss;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.executor.ExecutorView;
import dev.spillway.agent.executor.RejectionPolicy;
import dev.spillway.agent.executor.RunCounts;
import dev.spillway.agent.util.QueueCapacity;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;

/**
 * Reads one JBoss Threads {@code org.jboss.threads.EnhancedQueueExecutor} (the worker pool of
 * Undertow's XNIO worker, WildFly and Quarkus) through its public getters: threads
 * {@code getPoolSize()}, core and limit, {@code getQueueSize()} and {@code getMaximumQueueSize()}.
 * Its own {@code getActiveCount()} and {@code getCompletedTaskCount()} return -1 unless the
 * {@code jboss.threads.eqe.statistics} property was set when the class loaded, so active and
 * completed come from {@link RunCounts} instead, one per pool (this view is per pool), counted
 * around each task's run; the library's own setting is left alone. So is, when its queue is
 * unlimited, its queue's size. Its queue is a linked list of its own, not a
 * {@code BlockingQueue}: nothing of it is a queue series.
 *
 * <p>Its name is the one its threads get, told at construction by the thread it makes then for
 * its scheduler ({@code "XNIO-1 task-1 (scheduler)"}), so a pool is named before its first task.
 */
final class EnhancedQueueExecutorView extends ExecutorView {

  static final String EXECUTOR = "org.jboss.threads.EnhancedQueueExecutor";
  /** The handler JBoss Threads uses unless told otherwise: it throws {@code RejectedExecutionException}. */
  private static final String REJECTING = "org.jboss.threads.RejectingExecutor";
  private static final String DISCARDING = "org.jboss.threads.DiscardingExecutor";
  private static final String SCHEDULER_SUFFIX = " (scheduler)";

  private final RunCounts runs = new RunCounts();
  private final MethodHandle poolSize;
  private final MethodHandle corePoolSize;
  private final MethodHandle maximumPoolSize;
  private final MethodHandle queueSize;
  private final MethodHandle maximumQueueSize;
  private final MethodHandle isShutdown;
  private final MethodHandle isTerminated;
  private final MethodHandle handoffExecutor;
  /** Private fields: no public getter says them. The scheduler's thread is null before 3.6 (no scheduler). */
  private final MethodHandle threadFactory;
  private final MethodHandle schedulerThread;

  private EnhancedQueueExecutorView(Class<?> type) throws ReflectiveOperationException {
    poolSize = getter(type, "getPoolSize", int.class);
    corePoolSize = getter(type, "getCorePoolSize", int.class);
    maximumPoolSize = getter(type, "getMaximumPoolSize", int.class);
    queueSize = getter(type, "getQueueSize", int.class);
    maximumQueueSize = getter(type, "getMaximumQueueSize", int.class);
    isShutdown = getter(type, "isShutdown", boolean.class);
    isTerminated = getter(type, "isTerminated", boolean.class);
    handoffExecutor = getter(type, "getHandoffExecutor", Executor.class);
    threadFactory = privateField(type, "threadFactory");
    schedulerThread = hasField(type, "schedulerThread") ? privateField(type, "schedulerThread") : null;
  }

  private static MethodHandle privateField(Class<?> type, String name) throws ReflectiveOperationException {
    Field field = type.getDeclaredField(name);
    field.setAccessible(true);
    return MethodHandles.lookup().unreflectGetter(field).asType(MethodType.methodType(Object.class, Object.class));
  }

  private static boolean hasField(Class<?> type, String name) {
    for (Field field : type.getDeclaredFields()) {
      if (field.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** The view of {@code executor} if it is an {@code EnhancedQueueExecutor}; null otherwise. */
  static ExecutorView of(Object executor) {
    Class<?> type = libraryClass(executor, EXECUTOR);
    if (type == null) {
      return null;
    }
    try {
      return new EnhancedQueueExecutorView(type);
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      AgentLog.debug("JBoss Threads executor " + executor.getClass().getName() + " not tracked: " + e);
      return null;
    }
  }

  @Override public int poolSize(Object e) { return (Integer) call(poolSize, e); }
  @Override public int activeCount(Object e) { return runs.active(); }
  @Override public int corePoolSize(Object e) { return (Integer) call(corePoolSize, e); }
  @Override public int maximumPoolSize(Object e) { return (Integer) call(maximumPoolSize, e); }
  @Override public BlockingQueue<?> queue(Object e) { return null; }
  /**
   * Its own count; -1 when it does not count its queue (built with {@code setQueueLimited(false)},
   * Quarkus's default): then the tasks submitted and not started, as counted here.
   */
  @Override
  public int queueSize(Object e) {
    int own = (Integer) call(queueSize, e);
    return own >= 0 ? own : runs.waiting();
  }
  @Override public long completedTaskCount(Object e) { return runs.completed(); }
  @Override public boolean isShutdown(Object e) { return (Boolean) call(isShutdown, e); }
  @Override public boolean isTerminated(Object e) { return (Boolean) call(isTerminated, e); }
  @Override public Object threadFactory(Object e) { return call(threadFactory, e); }
  @Override public RunCounts runCounts() { return runs; }
  /** Its worker loop is not woven (a running pool is never left in an old loop): no task timing. */
  @Override public boolean timesTasks() { return false; }

  /** {@code Integer.MAX_VALUE}, its default (and Undertow's), is no limit. */
  @Override
  public long queueCapacity(Object e, long lastKnown) {
    int max = (Integer) call(maximumQueueSize, e);
    return max == Integer.MAX_VALUE ? QueueCapacity.UNBOUNDED : max;
  }

  /**
   * The name its threads get, without the scheduler's suffix: {@code "XNIO-1 task-1"}; null when
   * the version has no scheduler thread (named then by its first worker thread, at its first task).
   */
  @Override
  public String ownName(Object e) {
    Object thread = schedulerThread == null ? null : call(schedulerThread, e);
    if (!(thread instanceof Thread)) {
      return null;
    }
    String name = ((Thread) thread).getName();
    return name.endsWith(SCHEDULER_SUFFIX) ? name.substring(0, name.length() - SCHEDULER_SUFFIX.length()) : name;
  }

  /** Its handoff executor, the one it hands a refused task to: by default one that throws. */
  @Override
  public RejectionPolicy policy(Object e) {
    Object handler = call(handoffExecutor, e);
    String name = handler == null ? "" : handler.getClass().getName();
    return REJECTING.equals(name) ? RejectionPolicy.ABORT
        : DISCARDING.equals(name) ? RejectionPolicy.DISCARD : RejectionPolicy.CUSTOM;
  }

  /**
   * As its own full queue does: the task goes to its handoff executor, which by default throws
   * {@code RejectedExecutionException} to the caller ({@code execute} is then skipped).
   */
  @Override
  public void handOver(Object executor, Runnable task) {
    ((Executor) call(handoffExecutor, executor)).execute(task);
  }
}
