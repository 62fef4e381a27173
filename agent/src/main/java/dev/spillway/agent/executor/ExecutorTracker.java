package dev.spillway.agent.executor;

import dev.spillway.agent.shedding.Gate;
import dev.spillway.agent.timing.PendingTasks;
import dev.spillway.agent.timing.Sampler;
import dev.spillway.agent.timing.WaitSketch;
import dev.spillway.agent.trace.EventBudget;
import dev.spillway.agent.util.QueueCapacity;
import java.lang.ref.WeakReference;
import java.util.concurrent.ScheduledThreadPoolExecutor;

/**
 * What Spillway keeps for one live executor. It holds the executor weakly: the agent never keeps
 * an application's pool alive.
 *
 * <p>Gauges are read from the executor's own getters at collection time; per task it only decides
 * whether to time the task ({@link #sampler}) and counts rejections.
 */
final class ExecutorTracker {

  /** Marks executors that belong to the agent itself (the SDK's, the HTTP client's). */
  static final ExecutorTracker IGNORED = new ExecutorTracker();

  private final WeakReference<Object> executor;
  /** How to read it: the JDK's executor, or a library's copy (Tomcat's). */
  final ExecutorView view;
  final boolean scheduled;
  final String type;
  /** The class that constructed the executor, when the constructor ran after the agent started. */
  final String constructionSite;
  /** The class that submitted the first task seen, when the construction was not seen. */
  volatile String submitSite;
  /** One of the JDK's own executors, which wildcard rules never match (see JdkCode). */
  final boolean jdkOwned;

  /** Name of the first worker thread; null until one exists. */
  volatile String firstThreadName;
  /** Set once, when the executor is first reported; see {@link ExecutorRegistry#series}. */
  volatile ExecutorSeries series;
  /** The limits of what built it, when they are its series' (see {@link OwnerLimits}); else null. */
  volatile OwnerLimits ownerLimits;
  /** The executors of its thread factory, when it shares their series; guarded by the registry. */
  ExecutorRegistry.Group group;

  /** Whether its tasks can be timed at all (see {@link ExecutorView#timesTasks}). */
  final boolean timed;
  /** Its runs, for a pool that does not count them itself; null (the usual case) otherwise. */
  final RunCounts runs;
  /** Which tasks are timed. */
  final Sampler sampler;
  final PendingTasks pending = new PendingTasks();
  /** Submissions made inside a sampled trace, not started yet (see {@link ExecutorSpans}). */
  final PendingTasks traced = new PendingTasks(ExecutorSpans.TRACED_IN_FLIGHT);
  /** Bounds the span events of its rejections and sheds. */
  final EventBudget events = new EventBudget(ExecutorSpans.EVENTS_PER_SECOND);
  /** Recent waits, for the command line's p99. */
  final WaitSketch waits = new WaitSketch();
  final Rejections rejections = new Rejections();
  /** The shedding rules that apply to this executor; null (the usual case) when none does. */
  volatile Gate gate;
  final ExecutorSignals signals = new ExecutorSignals(this);
  /** Observed, not rewritten: its rules check its work queue's inserts (see ExecutorFamily). */
  volatile boolean guardsQueue;

  /** Last consistent queue capacity (-1 unbounded, -2 unknown); see {@link #queueCapacity}. */
  volatile long capacity = QueueCapacity.UNKNOWN;
  /**
   * The completed count last read: at collection, and after each worker exit of a shut-down
   * executor; what is reported once the executor is collected.
   */
  volatile long lastCompleted;
  /** Gone (terminated or collected) and out of the registry: its counts are the registry's now. */
  volatile boolean released;

  ExecutorTracker(Object executor, ExecutorView view, String constructionSite, String submitSite, Sampler sampler,
      boolean jdkOwned) {
    this.executor = new WeakReference<>(executor);
    this.view = view;
    this.timed = view.timesTasks();
    this.runs = view.runCounts();
    this.jdkOwned = jdkOwned;
    this.scheduled = executor instanceof ScheduledThreadPoolExecutor;
    this.type = executor.getClass().getName();
    this.constructionSite = constructionSite;
    this.submitSite = submitSite;
    this.sampler = sampler;
  }

  private ExecutorTracker() {
    this.executor = new WeakReference<>(null);
    this.view = ExecutorView.JDK;
    this.timed = false;
    this.runs = null;
    this.scheduled = false;
    this.type = "";
    this.constructionSite = null;
    this.submitSite = null;
    this.sampler = new Sampler(Sampler.OFF);
    this.jdkOwned = false;
  }

  /** The executor, or null once it was collected. */
  Object executor() {
    return executor.get();
  }

  /** Reported once it has done something: started a thread or rejected a task. */
  boolean readyToReport(Object executor) {
    return series != null || firstThreadName != null || view.poolSize(executor) > 0 || rejections.any();
  }

  /** Whether it did anything worth a final report, read without the executor (it may be collected). */
  boolean didSomething() {
    return series != null || firstThreadName != null || rejections.any() || lastCompleted > 0;
  }

  /** Reads the work queue's capacity (may lock it: collection or binding only); -1 when unbounded. */
  long queueCapacity(Object executor) {
    return capacity = view.queueCapacity(executor, capacity);
  }

}
