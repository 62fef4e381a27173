package dev.spillway.agent.executor;

import dev.spillway.agent.telemetry.Buckets;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The {@code jvm.executor.*} instruments.
 *
 * <p>Names follow the proposed OpenTelemetry semantic conventions for executors (semconv PR #3970,
 * status Development): {@code thread.count}, {@code thread.core}, {@code thread.limit},
 * {@code queue.size}, {@code queue.capacity}, {@code task.completed}, {@code task.rejected}.
 * Spillway adds {@code task.wait.duration}, {@code task.duration} and the
 * {@code jvm.executor.rejection.*} attributes.
 *
 * <p>Everything but the two histograms is read from the executors' own getters when the SDK
 * collects, never on the task path; rejections are counted by the agent from the first one on and
 * exported as an observable counter.
 */
final class ExecutorMetrics {

  static final String THREAD_COUNT = "jvm.executor.thread.count";
  static final String THREAD_CORE = "jvm.executor.thread.core";
  static final String THREAD_LIMIT = "jvm.executor.thread.limit";
  static final String QUEUE_SIZE = "jvm.executor.queue.size";
  static final String QUEUE_CAPACITY = "jvm.executor.queue.capacity";
  static final String TASK_COMPLETED = "jvm.executor.task.completed";
  static final String TASK_REJECTED = "jvm.executor.task.rejected";
  static final String TASK_WAIT = "jvm.executor.task.wait.duration";
  static final String TASK_DURATION = "jvm.executor.task.duration";
  // Spillway's, for a ForkJoinPool only.
  static final String THREAD_RUNNING = "jvm.executor.thread.running";
  static final String QUEUE_SUBMISSIONS = "jvm.executor.queue.submissions";
  static final String TASK_STOLEN = "jvm.executor.task.stolen";

  private final ExecutorRegistry registry;
  private final ObservableLongMeasurement threadCount;
  private final ObservableLongMeasurement threadCore;
  private final ObservableLongMeasurement threadLimit;
  private final ObservableLongMeasurement queueSize;
  private final ObservableLongMeasurement queueCapacity;
  private final ObservableLongMeasurement completed;
  private final ObservableLongMeasurement rejected;
  private final ObservableLongMeasurement threadRunning;
  private final ObservableLongMeasurement queueSubmissions;
  private final ObservableLongMeasurement stolen;
  private final DoubleHistogram waitDuration;
  private final DoubleHistogram taskDuration;

  ExecutorMetrics(Meter meter, ExecutorRegistry registry) {
    this.registry = registry;
    this.threadCount = meter.upDownCounterBuilder(THREAD_COUNT)
        .setUnit("{thread}").setDescription("Threads of the executor, by state (active: running a task).")
        .buildObserver();
    this.threadCore = meter.upDownCounterBuilder(THREAD_CORE)
        .setUnit("{thread}").setDescription("Core threads: kept even when idle.").buildObserver();
    this.threadLimit = meter.upDownCounterBuilder(THREAD_LIMIT)
        .setUnit("{thread}").setDescription("Most threads the executor may run; absent when unbounded.")
        .buildObserver();
    this.queueSize = meter.upDownCounterBuilder(QUEUE_SIZE)
        .setUnit("{task}").setDescription("Tasks waiting in the work queue.").buildObserver();
    this.queueCapacity = meter.upDownCounterBuilder(QUEUE_CAPACITY)
        .setUnit("{task}").setDescription("Most tasks the work queue holds; absent when unbounded.")
        .buildObserver();
    this.completed = meter.counterBuilder(TASK_COMPLETED)
        .setUnit("{task}").setDescription("Tasks that finished running.").buildObserver();
    this.rejected = meter.counterBuilder(TASK_REJECTED)
        .setUnit("{task}")
        .setDescription("Tasks the executor refused, by reason and rejection policy (CallerRuns included).")
        .buildObserver();
    this.threadRunning = meter.upDownCounterBuilder(THREAD_RUNNING).setUnit("{thread}")
        .setDescription("ForkJoinPool: active threads not blocked in their task.").buildObserver();
    this.queueSubmissions = meter.upDownCounterBuilder(QUEUE_SUBMISSIONS).setUnit("{task}")
        .setDescription("ForkJoinPool: of the waiting tasks, those submitted from outside the pool.")
        .buildObserver();
    this.stolen = meter.counterBuilder(TASK_STOLEN).setUnit("{task}")
        .setDescription("ForkJoinPool: tasks a worker took from another worker's queue.").buildObserver();
    meter.batchCallback(this::collect, threadCount, threadCore, threadLimit, queueSize, queueCapacity,
        completed, rejected, threadRunning, queueSubmissions, stolen);

    this.waitDuration = meter.histogramBuilder(TASK_WAIT).setUnit("s")
        .setDescription("Time a task waited in the queue, from submit (or, scheduled, from when it was due)"
            + " to the start of its run; 0 when handed straight to a new thread.")
        .setExplicitBucketBoundariesAdvice(Buckets.DURATIONS).build();
    this.taskDuration = meter.histogramBuilder(TASK_DURATION).setUnit("s")
        .setDescription("Time a task ran.")
        .setExplicitBucketBoundariesAdvice(Buckets.DURATIONS).build();
  }

  void recordWait(ExecutorTracker tracker, long nanos) {
    tracker.waits.record(nanos);
    waitDuration.record(Math.max(0, nanos) / 1e9, registry.series(tracker).attributes);
  }

  void recordRun(ExecutorTracker tracker, long nanos) {
    taskDuration.record(Math.max(0, nanos) / 1e9, registry.series(tracker).attributes);
  }

  private void collect() {
    Set<String> reported = new HashSet<>();
    // A series may have several executors: those past the cap, those of one thread factory.
    Map<ExecutorSeries, Totals> bySeries = new IdentityHashMap<>();
    for (ExecutorTracker tracker : registry.live()) {
      Object executor = tracker.executor();
      if (executor == null || !tracker.readyToReport(executor)) {
        continue;
      }
      ExecutorSeries series = registry.series(tracker);
      if (tracker.released) {
        continue; // gone meanwhile (another thread's sweep): reported from the registry's final counts
      }
      bySeries.computeIfAbsent(series, s -> new Totals()).add(tracker, executor);
    }
    for (Map.Entry<ExecutorSeries, Totals> entry : bySeries.entrySet()) {
      ExecutorSeries series = entry.getKey();
      Totals totals = entry.getValue();
      if (series.overflow) {
        // Executors gone from the overflow series left their counts to it.
        totals.completed += series.retiredCompleted.sum();
        series.retiredRejections.addTo(totals.rejections);
      } else {
        ExecutorRegistry.Retired earlier = registry.retired(series.name);
        if (earlier != null) {
          totals.add(earlier);
        }
        reported.add(series.name);
      }
      totals.record(series);
    }
    // Executors gone since the last collection: their final counts, once, with no threads left.
    for (ExecutorRegistry.Retired gone : registry.takeUnreported(reported)) {
      Totals totals = new Totals();
      totals.add(gone);
      totals.gone = true;
      totals.record(gone.series);
    }
  }

  /** The values of one series: one executor, or the sum of those that share it (overflow, a thread factory's). */
  private final class Totals {
    long active;
    long idle;
    long core;
    long limit;
    boolean unboundedLimit;
    long queued;
    long capacity;
    boolean unboundedQueue;
    long completed;
    /** Core threads, completed tasks and the ForkJoinPool values: reported where any executor has them. */
    boolean hasCore;
    boolean hasCompleted;
    long running = -1;
    long submissions = -1;
    long steals = -1;
    final Rejections rejections = new Rejections();
    /** The limits of what built these executors, when they are the series' own. */
    OwnerLimits owner;
    /** Only executors that are gone: no shape (core, limit, capacity) left to report. */
    boolean gone;

    void add(ExecutorRegistry.Retired retired) {
      hasCompleted = true;
      completed += retired.completed;
      retired.rejections.addTo(rejections);
    }

    void add(ExecutorTracker tracker, Object executor) {
      ExecutorView view = tracker.view;
      int threads = view.poolSize(executor);
      int busy = Math.min(view.activeCount(executor), threads);
      active += busy;
      idle += threads - busy;
      int corePool = view.corePoolSize(executor);
      if (corePool >= 0) {
        hasCore = true;
        core += corePool;
      }
      int max = view.maximumPoolSize(executor);
      if (max == Integer.MAX_VALUE) {
        unboundedLimit = true;
      } else {
        limit += max;
      }
      queued += view.queueSize(executor);
      long cap = tracker.queueCapacity(executor);
      if (cap < 0) {
        unboundedQueue = true;
      } else {
        capacity += cap;
      }
      long done = view.completedTaskCount(executor);
      if (done >= 0) {
        hasCompleted = true;
        tracker.lastCompleted = done;
        completed += done;
      }
      running = plus(running, view.runningThreads(executor));
      submissions = plus(submissions, view.queuedSubmissions(executor));
      steals = plus(steals, view.stolenTasks(executor));
      tracker.rejections.addTo(rejections);
      if (tracker.ownerLimits != null) {
        owner = tracker.ownerLimits;
      }
    }

    /** The owner's limits replace the members' sums, while it can be read. */
    private void applyOwnerLimits() {
      long threads = owner.threadLimit();
      long queued = owner.queueCapacity();
      if (threads == OwnerLimits.UNKNOWN || queued == OwnerLimits.UNKNOWN) {
        return;
      }
      unboundedLimit = threads == Integer.MAX_VALUE;
      limit = threads;
      unboundedQueue = queued < 0;
      capacity = queued;
    }

    /** A sum of values that may be unknown (-1): known once one is. */
    private long plus(long sum, long value) {
      return value < 0 ? sum : Math.max(sum, 0) + value;
    }

    void record(ExecutorSeries series) {
      if (owner != null) {
        applyOwnerLimits();
      }
      threadCount.record(active, series.active);
      threadCount.record(idle, series.idle);
      queueSize.record(queued, series.attributes);
      if (!gone) {
        if (hasCore) {
          threadCore.record(core, series.attributes);
        }
        if (!unboundedLimit) {
          threadLimit.record(limit, series.attributes);
        }
        if (!unboundedQueue) {
          queueCapacity.record(capacity, series.attributes);
        }
      }
      if (hasCompleted) {
        ExecutorMetrics.this.completed.record(completed, series.attributes);
      }
      if (running >= 0) {
        threadRunning.record(running, series.attributes);
      }
      if (submissions >= 0) {
        queueSubmissions.record(submissions, series.attributes);
      }
      if (steals >= 0) {
        stolen.record(steals, series.attributes);
      }
      for (RejectionReason reason : RejectionReason.values()) {
        for (RejectionPolicy policy : RejectionPolicy.values()) {
          long count = rejections.get(reason, policy);
          if (count > 0) {
            rejected.record(count, series.rejected(reason, policy));
          }
        }
      }
    }
  }
}
