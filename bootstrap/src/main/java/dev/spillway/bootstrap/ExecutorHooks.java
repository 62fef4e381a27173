package dev.spillway.bootstrap;

/**
 * What advice inlined into {@code ThreadPoolExecutor} and its worker calls.
 *
 * <p>Each hook hands over to a {@link Delegate} held in a volatile field. Until the agent is fully
 * up the delegate is a no-op object rather than an {@code if}, so the JIT reduces a hook to one
 * field read and an empty call. Arguments are typed {@code Object}: advice must not name the class
 * it is woven into (that class is being defined when the advice is resolved), and the agent side
 * casts once it has looked the executor up.
 */
public final class ExecutorHooks {

  /** The agent's side of the executor hooks. Implementations never throw. */
  public interface Delegate {
    /** A {@code ThreadPoolExecutor} finished its constructor; called on the creating thread. */
    void onConstructed(Object executor);

    /**
     * {@code execute(task)} was entered, before the pool decides what to do with the task. Returns
     * true when a shedding rule refused the task and handed it to the pool's handler: the
     * {@code execute} body is then skipped. May throw only the deliberate
     * {@code RejectedExecutionException} of a rule, or what the pool's own handler throws.
     */
    boolean onExecute(Object executor, Object task);

    /** {@code ScheduledThreadPoolExecutor.delayedExecute(task)} was entered; as {@link #onExecute}. */
    boolean onSchedule(Object executor, Object task);

    /**
     * The pool is rejecting the task (saturated or shut down); called before its handler runs.
     * {@code task} is null when the pool refused before it was handed the task (Reactor's workers).
     */
    void onReject(Object executor, Object task);

    /**
     * One of the JDK's rejection policies was called for the task: rewritten only when the
     * executor class itself could not be (it loaded before the agent), so not counted twice.
     */
    void onPolicyReject(Object executor, Object task);

    /**
     * Tomcat's {@code TaskQueue.force}, an observed Tomcat executor's last try at queueing a task
     * that was refused, starts on this thread.
     */
    void beforeForce(Object executor);

    /** ... and ended: {@code refused} when it failed, the executor's final refusal. */
    void afterForce(Object executor, Object task, boolean refused);

    /** A worker was created; its thread (null if the factory failed) shows the pool's naming. */
    void onWorkerCreated(Object executor, Thread thread);

    /**
     * A worker was looked at by the pool itself ({@code getActiveCount} asks each one whether it is
     * busy): how the agent learns the thread names of pools whose workers started before it.
     */
    void onWorkerSeen(Object executor, Thread thread);

    /** A worker thread starts; {@code firstTask} is the task handed straight to it, or null. */
    void onWorkerStart(Object executor, Object firstTask);

    /** A worker asks for its next task; returns per-worker state handed to {@link #afterGetTask}. */
    Object beforeGetTask(Object executor);

    /** A worker got its next task (null when it is about to exit). */
    void afterGetTask(Object executor, Object workerState, Object task);

    /**
     * A worker of a pool whose {@code getTask} is not woven (Jetty's) is about to run a task it
     * took from the queue.
     */
    void onTaskTaken(Object executor, Object task);

    /** A worker exits, possibly because its task threw. */
    void onWorkerExit(Object executor);

    /** A worker has left: its completed tasks are in the pool's count, the pool may have terminated. */
    void afterWorkerExit(Object executor);

    /**
     * A task of a pool that does not count its own runs (JBoss Threads' executor) starts on this
     * worker thread. Returns what {@link #onTaskEnd} is given when it ends (null: nothing to count).
     */
    Object onTaskStart(Object executor);

    /** The task {@link #onTaskStart} returned {@code runs} for ended, normally or not. */
    void onTaskEnd(Object runs);

    /**
     * A library queued a task in a queue of its own that feeds {@code executor} one task at a
     * time (Vert.x's {@code TaskQueue}, behind ordered {@code executeBlocking}): the tasks waiting
     * there wait for that executor too.
     */
    void onFeederQueue(Object queue, Object executor);

    /**
     * {@code owner} built {@code executor} as one of its workers (Reactor's bounded elastic
     * scheduler), and its own limits are those of the executors it builds.
     */
    void onMemberOf(Object executor, Object owner);
  }

  /**
   * Set once {@code ThreadPoolExecutor} itself is rewritten. It never goes back (a detach leaves it
   * calling no-op hooks), so an agent attached later knows it need not observe executors from
   * outside, and must not: rejections would be counted twice.
   */
  public static volatile boolean executorRewritten;

  /** The delegate used until the agent is up and after it is detached: does nothing. */
  public static final Delegate NO_OP = new Delegate() {
    @Override public void onConstructed(Object executor) {}
    @Override public boolean onExecute(Object executor, Object task) { return false; }
    @Override public boolean onSchedule(Object executor, Object task) { return false; }
    @Override public void onReject(Object executor, Object task) {}
    @Override public void onPolicyReject(Object executor, Object task) {}
    @Override public void beforeForce(Object executor) {}
    @Override public void afterForce(Object executor, Object task, boolean refused) {}
    @Override public void onWorkerCreated(Object executor, Thread thread) {}
    @Override public void onWorkerSeen(Object executor, Thread thread) {}
    @Override public void onWorkerStart(Object executor, Object firstTask) {}
    @Override public Object beforeGetTask(Object executor) { return null; }
    @Override public void afterGetTask(Object executor, Object workerState, Object task) {}
    @Override public void onTaskTaken(Object executor, Object task) {}
    @Override public void onWorkerExit(Object executor) {}
    @Override public void afterWorkerExit(Object executor) {}
    @Override public Object onTaskStart(Object executor) { return null; }
    @Override public void onTaskEnd(Object runs) {}
    @Override public void onFeederQueue(Object queue, Object executor) {}
    @Override public void onMemberOf(Object executor, Object owner) {}
  };

  private static volatile Delegate delegate = NO_OP;

  private ExecutorHooks() {}

  public static void install(Delegate newDelegate) {
    delegate = newDelegate == null ? NO_OP : newDelegate;
  }

  public static void onConstructed(Object executor) {
    delegate.onConstructed(executor);
  }

  public static boolean onExecute(Object executor, Object task) {
    return delegate.onExecute(executor, task);
  }

  public static boolean onSchedule(Object executor, Object task) {
    return delegate.onSchedule(executor, task);
  }

  public static void onReject(Object executor, Object task) {
    delegate.onReject(executor, task);
  }

  public static void onPolicyReject(Object executor, Object task) {
    delegate.onPolicyReject(executor, task);
  }

  public static void beforeForce(Object executor) {
    delegate.beforeForce(executor);
  }

  public static void afterForce(Object executor, Object task, boolean refused) {
    delegate.afterForce(executor, task, refused);
  }

  public static void onWorkerCreated(Object executor, Thread thread) {
    delegate.onWorkerCreated(executor, thread);
  }

  public static void onWorkerSeen(Object executor, Thread thread) {
    delegate.onWorkerSeen(executor, thread);
  }

  public static void onWorkerStart(Object executor, Object firstTask) {
    delegate.onWorkerStart(executor, firstTask);
  }

  public static Object beforeGetTask(Object executor) {
    return delegate.beforeGetTask(executor);
  }

  public static void afterGetTask(Object executor, Object workerState, Object task) {
    delegate.afterGetTask(executor, workerState, task);
  }

  public static void onTaskTaken(Object executor, Object task) {
    delegate.onTaskTaken(executor, task);
  }

  public static void onWorkerExit(Object executor) {
    delegate.onWorkerExit(executor);
  }

  public static void afterWorkerExit(Object executor) {
    delegate.afterWorkerExit(executor);
  }

  public static Object onTaskStart(Object executor) {
    return delegate.onTaskStart(executor);
  }

  public static void onTaskEnd(Object runs) {
    delegate.onTaskEnd(runs);
  }

  public static void onFeederQueue(Object queue, Object executor) {
    delegate.onFeederQueue(queue, executor);
  }

  public static void onMemberOf(Object executor, Object owner) {
    delegate.onMemberOf(executor, owner);
  }
}
