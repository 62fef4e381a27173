package dev.spillway.agent.executor;

import dev.spillway.agent.timing.PendingTasks;
import dev.spillway.agent.trace.AppSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * What executors add to the application's traces.
 *
 * <ul>
 *   <li>A task submitted while a sampled span of the application is current, and taken by a worker
 *       at least {@code spillway.executor.slow-wait} later, makes one span for its wait in the
 *       queue, {@value #WAIT}, child of the submitter's span. The submission is kept beside the
 *       task ({@link ExecutorTracker#traced}), never wrapped; at most
 *       {@value #TRACED_IN_FLIGHT} per executor at a time, the rest make no span.
 *   <li>A rejection or a shed is an event on the submitter's current span, at most
 *       {@value #EVENTS_PER_SECOND} a second per executor.
 * </ul>
 * Without a current span nothing is kept and nothing is made; the cost per submit is then reading
 * the application's current span (see {@link AppSpans}).
 */
final class ExecutorSpans {

  static final String WAIT = "jvm.executor.task.wait";
  static final String REJECTED = "jvm.executor.task.rejected";
  static final String SHED = "spillway.shed";
  static final int TRACED_IN_FLIGHT = 16;
  static final int EVENTS_PER_SECOND = 10;

  static final AttributeKey<Double> WAIT_TIME = AttributeKey.doubleKey("spillway.executor.wait_time");
  static final AttributeKey<Long> QUEUED = AttributeKey.longKey("spillway.executor.queue.size");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("spillway.executor.wait.outcome");

  /** What a traced submission keeps: the submitter's span and the queue then. */
  private static final class Submission {
    final AppSpans.Parent parent;
    final int queued;

    Submission(AppSpans.Parent parent, int queued) {
      this.parent = parent;
      this.queued = queued;
    }
  }

  private final Tracer tracer;
  private final long slowNanos;
  private final AppSpans app = AppSpans.get();

  ExecutorSpans(Tracer tracer, long slowNanos) {
    this.tracer = tracer;
    this.slowNanos = slowNanos;
  }

  /**
   * On every accepted submit: keeps the submission if a sampled span is current.
   *
   * @param submitted the submit's clock reading, or 0 if the task was not timed
   */
  void submitted(ExecutorTracker tracker, Object executor, Object task, long submitted) {
    AppSpans.Parent parent = app.currentSampled(Thread.currentThread().getContextClassLoader());
    if (parent != null) {
      tracker.traced.add(task, submitted != 0 ? submitted : System.nanoTime(),
          new Submission(parent, tracker.view.queueSize(executor)));
    }
  }

  /** A worker took a traced task at {@code now}: its wait span, if it waited long enough. */
  void started(ExecutorTracker tracker, PendingTasks.Sample traced, long now) {
    long wait = now - traced.submittedAt;
    if (wait < slowNanos || !(traced.payload instanceof Submission)) {
      return;
    }
    Submission submission = (Submission) traced.payload;
    Instant end = Instant.now();
    long endNanos = TimeUnit.SECONDS.toNanos(end.getEpochSecond()) + end.getNano();
    ExecutorSeries series = tracker.series;
    tracer.spanBuilder(WAIT)
        .setParent(submission.parent.context())
        .setSpanKind(SpanKind.INTERNAL)
        .setStartTimestamp(endNanos - wait, TimeUnit.NANOSECONDS)
        .setAttribute(ExecutorSeries.NAME, series == null ? tracker.type : series.name)
        .setAttribute(ExecutorSeries.TYPE, tracker.type)
        .setAttribute(WAIT_TIME, wait / 1e9)
        .setAttribute(QUEUED, (long) submission.queued)
        .setAttribute(OUTCOME, "started")
        .startSpan()
        .end(endNanos, TimeUnit.NANOSECONDS);
  }

  /** A task was rejected (or shed, {@code rule} not null) on the calling thread. */
  void rejected(ExecutorTracker tracker, RejectionReason reason, RejectionPolicy policy, String rule) {
    if (!tracker.events.tryTake()) {
      return;
    }
    ExecutorSeries series = tracker.series;
    String name = series == null ? tracker.type : series.name;
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    if (rule == null) {
      app.addEvent(loader, REJECTED, ExecutorSeries.NAME.getKey(), name,
          ExecutorSeries.REJECTION_REASON.getKey(), reason.value,
          ExecutorSeries.REJECTION_POLICY.getKey(), policy.value);
    } else {
      app.addEvent(loader, SHED, "spillway.target.kind", "executor", "spillway.target.name", name,
          "spillway.rule", rule, ExecutorSeries.REJECTION_POLICY.getKey(), policy.value);
    }
  }
}
