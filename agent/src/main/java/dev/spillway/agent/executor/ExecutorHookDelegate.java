package dev.spillway.agent.executor;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.executor.ExecutorRegistry.Sighting;
import dev.spillway.agent.executor.reactor.BoundedElasticInstrumentation;
import dev.spillway.agent.executor.vertx.VertxTaskQueues;
import dev.spillway.agent.shedding.Action;
import dev.spillway.agent.shedding.BoundRule;
import dev.spillway.agent.shedding.Gate;
import dev.spillway.agent.timing.PendingTasks;
import dev.spillway.agent.util.DetachableThreadLocal;
import dev.spillway.bootstrap.ExecutorHooks;
import java.util.concurrent.Delayed;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The agent's side of {@link ExecutorHooks}: what happens when an executor constructs, accepts,
 * rejects, hands out and runs tasks.
 *
 * <p>The task path (submit, take, run) is leaf code: a lock-free lookup, a null check for
 * shedding rules, a sampling decision and, for the few sampled tasks, two or three clock reads.
 * It calls one instrumented method, once per executor: an executor first met on a submit with
 * its workers already running (it predates the agent) is named from their thread names, which
 * the pool's own {@code getActiveCount} shows us by calling each worker's woven {@code isLocked}.
 * The hook that reaches, {@link #onWorkerSeen}, records a name and calls nothing, so the recursion
 * ends there, one level deep. Wait time is measured from submit
 * to the moment a worker takes the task; run time from then until the worker asks for its next
 * task (or exits because the task threw).
 *
 * <p>Nothing escapes to the application except a shedding rule's deliberate refusal: the decision
 * is made inside a catch-all that admits the task on any failure of ours, and the refusal is
 * carried out outside it, through the same failure path as the pool's own.
 */
final class ExecutorHookDelegate implements ExecutorHooks.Delegate {

  /** Per worker thread: the executor it serves and when its current timed task started. */
  private static final class WorkerState {
    /** A worker of one of the agent's own executors: nothing to do, ever. */
    static final WorkerState IGNORED = new WorkerState(null);

    final ExecutorTracker tracker;
    long runStart;

    WorkerState(ExecutorTracker tracker) {
      this.tracker = tracker;
    }
  }

  /**
   * {@code [SHED]} is set when a rule refused a task at an observed executor's work queue, on the
   * submitting thread: the pool's policy, which then rejects it on this thread, counts it as shed.
   * {@code [FORCING]} while Tomcat retries that task ({@code TaskQueue.force}). A JDK array, as it
   * stays on application threads; the task itself is not kept.
   */
  private final ThreadLocal<boolean[]> shedAtQueue = new ThreadLocal<>();
  private static final int SHED = 0;
  private static final int FORCING = 1;
  /** The executor whose handler a rule's refusal is calling on this thread, counted already. */
  private final ThreadLocal<Object[]> handing = new ThreadLocal<>();
  /** Each worker thread's state; emptied on every thread when the agent stops (see the class). */
  private final DetachableThreadLocal<WorkerState> worker = new DetachableThreadLocal<>();
  /** Each worker thread's run counters, for pools that do not count runs; emptied the same way. */
  private final DetachableThreadLocal<RunCounts.Cell> runCells = new DetachableThreadLocal<>();
  private final ExecutorRegistry registry;
  /** Records nothing until the SDK is up: tracking starts first, so that no executor is missed. */
  private volatile ExecutorMetrics metrics;
  /** Null until the SDK is up. */
  private volatile ExecutorSpans spans;

  ExecutorHookDelegate(ExecutorRegistry registry, ExecutorMetrics metrics) {
    this.registry = registry;
    this.metrics = metrics;
  }

  void setMetrics(ExecutorMetrics metrics) {
    this.metrics = metrics;
  }

  void setSpans(ExecutorSpans spans) {
    this.spans = spans;
  }

  @Override
  public void onConstructed(Object executor) {
    ExecutorTracker tracker = registry.track(executor, Sighting.CONSTRUCTED);
    TrackerSlot.set(executor, tracker);
    if (tracker != ExecutorTracker.IGNORED && tracker.series == null) {
      // Listed from construction (idle) when its name is known without a thread (see
      // ExecutorNaming.threadNameBeforeThreads); the libraries' pools wait for their first thread.
      // A library pool that tells its threads' name (JBoss Threads') is listed at once too.
      Object built = tracker.executor();
      String threadName = built instanceof ThreadPoolExecutor
          ? ExecutorNaming.threadNameBeforeThreads((ThreadPoolExecutor) built)
          : built == null ? null : tracker.view.ownName(built);
      if (threadName != null) {
        tracker.firstThreadName = threadName;
        registry.series(tracker);
      }
    }
  }

  @Override
  public boolean onExecute(Object executor, Object task) {
    ExecutorTracker tracker;
    BoundRule refusal;
    try {
      tracker = submittedTo(executor);
      if (tracker == ExecutorTracker.IGNORED) {
        return false;
      }
      if (tracker.series == null
          && (tracker.view.poolSize(executor) > 0 || tracker.view.ownName(executor) != null)) {
        // Its workers predate the agent: named now (from their threads, or the pool's own name),
        // so that rules bind. A new pool is named by its first worker, created in this very call.
        registry.series(tracker);
      }
      Gate gate = tracker.gate;
      refusal = gate == null ? null : gate.admit();
      if (refusal == null) {
        if (tracker.runs != null) {
          tracker.runs.submitted();
        }
        long submitted = 0;
        if (tracker.timed && tracker.sampler.sample()) {
          submitted = System.nanoTime();
          tracker.pending.add(task, submitted);
        }
        ExecutorSpans traces = spans;
        if (traces != null) {
          traces.submitted(tracker, executor, task, submitted);
        }
        return false;
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("execute-hook", "executor hook failed, tasks are admitted unmeasured: " + t);
      return false;
    }
    return refuse(tracker, executor, (Runnable) task, refusal, spans);
  }

  @Override
  public boolean onSchedule(Object executor, Object task) {
    ExecutorTracker tracker;
    BoundRule refusal;
    try {
      tracker = submittedTo(executor);
      if (tracker == ExecutorTracker.IGNORED) {
        return false;
      }
      Gate gate = tracker.gate;
      refusal = gate == null ? null : gate.admit();
      if (refusal == null) {
        ExecutorSpans traces = spans;
        if (traces != null) {
          traces.submitted(tracker, executor, task, 0);
        }
        return false;
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("schedule-hook", "scheduled executor hook failed, tasks are admitted: " + t);
      return false;
    }
    return refuse(tracker, executor, (Runnable) task, refusal, spans);
  }

  /**
   * Carries out a rule's refusal: {@code reject} throws the pool's usual exception, naming the
   * rule; {@code handler} hands the task to the pool's own handler, and the pool skips it.
   */
  private boolean refuse(ExecutorTracker tracker, Object pool, Runnable task,
      BoundRule refusal, ExecutorSpans spans) {
    if (refusal.rule().action() == Action.REJECT) {
      tracker.rejections.increment(RejectionReason.SHED, RejectionPolicy.ABORT);
      shedEvent(spans, tracker, RejectionPolicy.ABORT, refusal);
      throw new RejectedExecutionException(refusal.message());
    }
    RejectionPolicy policy = tracker.view.policy(pool);
    tracker.rejections.increment(RejectionReason.SHED, policy);
    shedEvent(spans, tracker, policy, refusal);
    // Counted here: a rewritten JDK policy (an observed executor) must not count it again.
    Object[] refusing = handing.get();
    if (refusing == null) {
      refusing = new Object[1];
      handing.set(refusing);
    }
    Object outer = refusing[0];
    refusing[0] = pool;
    try {
      tracker.view.handOver(pool, task);
    } finally {
      refusing[0] = outer;
    }
    return true;
  }

  private static void shedEvent(ExecutorSpans spans, ExecutorTracker tracker, RejectionPolicy policy,
      BoundRule refusal) {
    try {
      if (spans != null) {
        spans.rejected(tracker, RejectionReason.SHED, policy, refusal.rule().name());
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("shed-event", "cannot add shed events to the application's spans: " + t);
    }
  }

  /**
   * A rule's check at an observed executor's work queue: true refuses the insert. The pool then
   * grows if it still can, or rejects the task through its own policy, counted then as shed.
   */
  boolean refuseAtQueue(ExecutorTracker tracker) {
    boolean[] mark = shedAtQueue.get();
    if (mark != null && mark[FORCING]) {
      // Tomcat's retry of the task just refused (or of one its full queue refused): the rule
      // decided already, and counted its shed once.
      return mark[SHED];
    }
    Gate gate = tracker.gate;
    boolean refused = gate != null && gate.admit() != null;
    if (mark == null) {
      if (!refused) {
        return false;
      }
      mark = new boolean[2];
      shedAtQueue.set(mark);
    }
    // Cleared by an admitted insert too: a refusal after which the pool grew leaves no mark.
    mark[SHED] = refused;
    return refused;
  }

  private boolean[] markOfThisThread() {
    boolean[] mark = shedAtQueue.get();
    if (mark == null) {
      mark = new boolean[2];
      shedAtQueue.set(mark);
    }
    return mark;
  }

  @Override
  public void onPolicyReject(Object executor, Object task) {
    Object[] refusing = handing.get();
    if (refusing != null && refusing[0] == executor) {
      refusing[0] = null; // this very refusal, counted already; a nested one is not
      return;
    }
    // Only an observed executor's policy is rewritten: the one place a queue's refusal is marked.
    boolean[] mark = shedAtQueue.get();
    boolean ruled = mark != null && mark[SHED];
    if (ruled) {
      mark[SHED] = false;
    }
    reject(executor, task, ruled);
  }

  @Override
  public void beforeForce(Object executor) {
    markOfThisThread()[FORCING] = true;
  }

  @Override
  public void afterForce(Object executor, Object task, boolean refused) {
    boolean[] mark = shedAtQueue.get();
    if (mark != null) {
      mark[FORCING] = false;
    }
    if (refused) {
      onPolicyReject(executor, task);
    } else if (mark != null) {
      mark[SHED] = false; // queued after all: nothing was refused
    }
  }

  /** The tracker of an executor given a task: from its slot, else the registry (registering it). */
  private ExecutorTracker submittedTo(Object executor) {
    ExecutorTracker tracker = TrackerSlot.get(executor);
    if (tracker == null) {
      tracker = registry.track(executor, Sighting.SUBMITTED);
      TrackerSlot.set(executor, tracker);
    }
    return tracker;
  }

  @Override
  public void onReject(Object executor, Object task) {
    reject(executor, task, false);
  }

  /** @param ruled refused by a rule at an observed executor's work queue */
  private void reject(Object executor, Object task, boolean ruled) {
    ExecutorTracker tracker = submittedTo(executor);
    if (tracker == ExecutorTracker.IGNORED) {
      return;
    }
    ExecutorView view = tracker.view;
    RejectionReason reason = view.isShutdown(executor) ? RejectionReason.SHUTDOWN
        : ruled ? RejectionReason.SHED : RejectionReason.SATURATED;
    RejectionPolicy policy = view.policy(executor);
    tracker.rejections.increment(reason, policy);
    if (tracker.runs != null) {
      tracker.runs.refused();
    }
    if (task != null) { // null: refused before the pool had it (Reactor's capacity check)
      tracker.pending.discard(task);
      tracker.traced.discard(task);
    }
    ExecutorSpans traces = spans;
    if (traces != null) {
      traces.rejected(tracker, reason, policy, null);
    }
  }

  @Override
  public void onWorkerCreated(Object executor, Thread thread) {
    ExecutorTracker tracker = registry.track(executor, Sighting.OTHER);
    if (tracker != ExecutorTracker.IGNORED && tracker.firstThreadName == null) {
      tracker.firstThreadName = thread == null ? "" : thread.getName();
      // Named now, so that shedding rules bind before the pool can fill.
      registry.series(tracker);
    }
  }

  @Override
  public void onWorkerSeen(Object executor, Thread thread) {
    // Called with the pool's main lock held, and from within onExecute's naming (getActiveCount):
    // learn the name, take no lock of ours, call nothing.
    ExecutorTracker tracker = registry.get(executor);
    if (tracker != null && tracker != ExecutorTracker.IGNORED && tracker.firstThreadName == null
        && thread != null) {
      tracker.firstThreadName = thread.getName();
    }
  }

  @Override
  public void onWorkerStart(Object executor, Object firstTask) {
    WorkerState state = stateFor(executor);
    worker.set(state);
    ExecutorTracker tracker = state.tracker;
    if (tracker != null && firstTask != null) {
      // Handed straight to a new thread: never waited, so no wait span either.
      tracker.traced.takeSample(firstTask);
    }
    if (tracker != null && firstTask != null && tracker.pending.take(firstTask) >= 0) {
      // Handed straight to a new thread: it never waited in the queue. Its run starts now, as in
      // afterGetTask: recording the wait is part of it.
      state.runStart = System.nanoTime();
      metrics.recordWait(tracker, 0);
    }
  }

  @Override
  public Object beforeGetTask(Object executor) {
    WorkerState state = worker.get();
    if (state == null) {
      // A worker that started before the agent did.
      state = stateFor(executor);
      worker.set(state);
    }
    if (state.runStart != 0) {
      metrics.recordRun(state.tracker, System.nanoTime() - state.runStart);
      state.runStart = 0;
    }
    return state;
  }

  @Override
  public void afterGetTask(Object executor, Object workerState, Object task) {
    if (task == null || !(workerState instanceof WorkerState)) {
      return;
    }
    WorkerState state = (WorkerState) workerState;
    ExecutorTracker tracker = state.tracker;
    if (tracker == null) {
      return;
    }
    if (tracker.scheduled) {
      if (!(task instanceof Delayed)) {
        return;
      }
      PendingTasks.Sample traced = tracker.traced.takeSample(task);
      boolean sampled = tracker.sampler.sample();
      if (traced == null && !sampled) {
        return;
      }
      // A scheduled task waits from when it became due, which its own delay tells.
      long overdue = -((Delayed) task).getDelay(TimeUnit.NANOSECONDS);
      if (traced != null) {
        waitSpan(tracker, traced.payload, overdue);
      }
      if (sampled) {
        long now = System.nanoTime();
        state.runStart = now;
        metrics.recordWait(tracker, overdue);
        Gate gate = tracker.gate;
        if (gate != null) {
          gate.onDequeue(Math.max(0, overdue), now);
        }
      }
      return;
    }
    Gate gate = tracker.gate;
    if (gate != null && gate.watchesWait()) {
      gate.countDequeue();
    }
    PendingTasks.Sample traced = tracker.traced.takeSample(task);
    if (traced != null) {
      waitSpan(tracker, traced.payload, System.nanoTime() - traced.submittedAt);
    }
    long submitted = tracker.pending.take(task);
    if (submitted >= 0) {
      long now = System.nanoTime();
      state.runStart = now;
      metrics.recordWait(tracker, now - submitted);
      if (gate != null) {
        gate.onDequeue(now - submitted, now);
      }
    }
  }

  /**
   * Jetty's worker is about to run a job: only for its wait span, if it was submitted inside a
   * trace (one lookup of the pool, and one volatile read when no traced job is in flight).
   */
  @Override
  public void onTaskTaken(Object executor, Object task) {
    ExecutorTracker tracker = registry.get(executor);
    if (tracker == null || tracker == ExecutorTracker.IGNORED) {
      return;
    }
    PendingTasks.Sample traced = tracker.traced.takeSample(task);
    if (traced != null) {
      waitSpan(tracker, traced.payload, System.nanoTime() - traced.submittedAt);
    }
  }

  /** A worker took a traced task that waited {@code wait} nanoseconds: its span, if long enough. */
  private void waitSpan(ExecutorTracker tracker, Object submission, long wait) {
    ExecutorSpans traces = spans;
    try {
      if (traces != null) {
        traces.waited(tracker, submission, wait);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("wait-span", "cannot make queue-wait spans: " + t);
    }
  }

  @Override
  public void onWorkerExit(Object executor) {
    WorkerState state = worker.get();
    if (state != null && state.runStart != 0) {
      metrics.recordRun(state.tracker, System.nanoTime() - state.runStart);
    }
    worker.remove();
  }

  /**
   * After a worker of a shut-down executor left: keeps the executor's completed count, the final
   * one once the last worker is gone, so that it is reported even if the executor is collected
   * before the next export. Worker exits are rare; this takes the pool's lock, none of ours.
   */
  @Override
  public void afterWorkerExit(Object executor) {
    ExecutorTracker tracker = registry.get(executor);
    if (tracker != null && tracker != ExecutorTracker.IGNORED
        && tracker.view.isShutdown(executor)) {
      tracker.lastCompleted = tracker.view.completedTaskCount(executor);
    }
  }

  /**
   * A task of a pool that does not count its runs (JBoss Threads') starts on this worker: one
   * thread-local read, one comparison and a plain counter store; the registry only at the
   * thread's first task.
   */
  @Override
  public Object onTaskStart(Object executor) {
    try {
      RunCounts.Cell cell = runCells.get();
      if (cell == null || !cell.counts(executor)) {
        cell = newRunCell(executor);
        if (cell == null) {
          return null;
        }
      }
      cell.started();
      return cell;
    } catch (Throwable t) {
      AgentLog.warnOnce("task-start-hook", "executor task hook failed, its runs are not counted: " + t);
      return null;
    }
  }

  /** This worker's first task of {@code executor}: tracks and names the pool if needed. */
  private RunCounts.Cell newRunCell(Object executor) {
    ExecutorTracker tracker = registry.track(executor, Sighting.OTHER);
    if (tracker == ExecutorTracker.IGNORED) {
      return null;
    }
    if (tracker.series == null && tracker.firstThreadName == null) {
      // A pool first met running a task (attached to): named from this worker if not by itself.
      tracker.firstThreadName = Thread.currentThread().getName();
      registry.series(tracker);
    }
    RunCounts runs = tracker.runs;
    if (runs == null) {
      return null;
    }
    RunCounts.Cell cell = runs.newCell(executor);
    runCells.set(cell);
    return cell;
  }

  @Override
  public void onTaskEnd(Object cell) {
    if (cell instanceof RunCounts.Cell) {
      ((RunCounts.Cell) cell).ended();
    }
  }

  @Override
  public void onFeederQueue(Object queue, Object executor) {
    try {
      VertxTaskQueues.fed(queue, executor);
    } catch (Throwable t) {
      AgentLog.warnOnce("feeder-queue", "cannot follow a Vert.x task queue: " + t);
    }
  }

  @Override
  public void onMemberOf(Object executor, Object owner) {
    try {
      ExecutorTracker tracker = registry.track(executor, Sighting.OTHER);
      if (tracker != ExecutorTracker.IGNORED && tracker.ownerLimits == null) {
        tracker.ownerLimits = BoundedElasticInstrumentation.limitsOf(owner);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("member-of", "cannot read the limits of a Reactor scheduler: " + t);
    }
  }

  /** Forgets every worker thread's state and every executor's slot: after a detach, nothing of the agent stays on them. */
  void forgetWorkers() {
    worker.clearAll();
    runCells.clearAll();
    for (ExecutorTracker tracker : registry.all()) {
      Object executor = tracker.executor();
      if (executor != null) {
        TrackerSlot.set(executor, null);
      }
    }
  }

  /** Called on a worker thread: registers its executor if needed, and learns its thread naming. */
  private WorkerState stateFor(Object executor) {
    ExecutorTracker tracker = registry.track(executor, Sighting.OTHER);
    if (tracker == ExecutorTracker.IGNORED) {
      return WorkerState.IGNORED;
    }
    if (tracker.firstThreadName == null) {
      tracker.firstThreadName = Thread.currentThread().getName();
      registry.series(tracker);
    }
    return new WorkerState(tracker);
  }
}
