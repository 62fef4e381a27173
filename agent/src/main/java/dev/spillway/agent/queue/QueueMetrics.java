package dev.spillway.agent.queue;

import dev.spillway.agent.telemetry.Buckets;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;

/**
 * The {@code jvm.queue.*} instruments: Spillway's own names, modelled on the proposed
 * {@code jvm.executor.*} conventions (there is no convention for queues).
 *
 * <p>Size and capacity are read from the queues when the SDK collects (size may take the queue's
 * lock: never per operation). All live queues of a series are summed; counts of queues that are
 * gone stay in the series, so counters never go down.
 */
final class QueueMetrics {

  static final String SIZE = "jvm.queue.size";
  static final String CAPACITY = "jvm.queue.capacity";
  static final String ENQUEUED = "jvm.queue.enqueued";
  static final String DEQUEUED = "jvm.queue.dequeued";
  static final String REJECTED = "jvm.queue.offer.rejected";
  static final String BLOCKED = "jvm.queue.put.blocked.duration";
  static final String WAIT = "jvm.queue.wait.duration";

  private final QueueRegistry registry;
  private final DoubleHistogram blocked;
  private final DoubleHistogram wait;

  QueueMetrics(Meter meter, QueueRegistry registry) {
    this.registry = registry;
    ObservableLongMeasurement size = meter.upDownCounterBuilder(SIZE).setUnit("{item}")
        .setDescription("Items in the queue.").buildObserver();
    ObservableLongMeasurement capacity = meter.upDownCounterBuilder(CAPACITY).setUnit("{item}")
        .setDescription("Most items the queue holds; absent when unbounded.").buildObserver();
    ObservableLongMeasurement enqueued = meter.counterBuilder(ENQUEUED).setUnit("{item}")
        .setDescription("Items inserted (queues with details on).").buildObserver();
    ObservableLongMeasurement dequeued = meter.counterBuilder(DEQUEUED).setUnit("{item}")
        .setDescription("Items taken out by poll or take (queues with details on).").buildObserver();
    ObservableLongMeasurement rejected = meter.counterBuilder(REJECTED).setUnit("{item}")
        .setDescription("Inserts refused: offer returned false, or add threw, because the queue was full"
            + " (reason full), a shedding rule refused it (reason shed), or a plain offer to a SynchronousQueue"
            + " found no taker waiting (reason handoff: expected, how a hand-off declines).")
        .buildObserver();
    meter.batchCallback(() -> collect(size, capacity, enqueued, dequeued, rejected),
        size, capacity, enqueued, dequeued, rejected);
    this.blocked = meter.histogramBuilder(BLOCKED).setUnit("s")
        .setDescription("Time a producer spent in put or a timed offer (queues with details on).")
        .setExplicitBucketBoundariesAdvice(Buckets.DURATIONS).build();
    this.wait = meter.histogramBuilder(WAIT).setUnit("s")
        .setDescription("Time an item spent in the queue (queues with details on; for a DelayQueue,"
            + " from when it became due).")
        .setExplicitBucketBoundariesAdvice(Buckets.DURATIONS).build();
  }

  void recordBlocked(QueueTracker tracker, long nanos) {
    QueueSeries series = tracker.series;
    if (series != null) {
      blocked.record(Math.max(0, nanos) / 1e9, series.attributes);
    }
  }

  void recordWait(QueueTracker tracker, long nanos) {
    QueueSeries series = tracker.series;
    if (series != null) {
      series.waits.record(nanos);
      wait.record(Math.max(0, nanos) / 1e9, series.attributes);
    }
  }

  private void collect(ObservableLongMeasurement size, ObservableLongMeasurement capacity,
      ObservableLongMeasurement enqueued, ObservableLongMeasurement dequeued,
      ObservableLongMeasurement rejected) {
    Map<QueueSeries, Totals> totals = new HashMap<>();
    Set<QueueSeries> justBuilt = new HashSet<>();
    long now = System.nanoTime();
    for (QueueTracker tracker : registry.live()) {
      BlockingQueue<?> queue = tracker.queue();
      QueueSeries series = tracker.series;
      if (queue == null || series == null) {
        continue;
      }
      if (tracker.justBuilt(now, queue)) {
        justBuilt.add(series);
        continue;
      }
      totals.computeIfAbsent(series, s -> new Totals()).add(tracker, queue);
    }
    for (QueueSeries series : registry.series()) {
      if (!totals.containsKey(series) && justBuilt.contains(series) && series.countedNothing()) {
        continue; // only queues built moments ago: see QueueTracker.justBuilt
      }
      Totals t = totals.getOrDefault(series, new Totals());
      size.record(t.size, series.attributes);
      if (t.members > 0 && !t.unbounded) {
        capacity.record(t.capacity, series.attributes);
      }
      long in = t.enqueued + series.retiredEnqueued.sum();
      long out = t.dequeued + series.retiredDequeued.sum();
      if (t.details || in > 0 || out > 0) {
        enqueued.record(in, series.attributes);
        dequeued.record(out, series.attributes);
      }
      series.retiredRefusals.addTo(t.refusals);
      for (int i = 0; i < Refusals.SIZE; i++) {
        long count = t.refusals.get(i);
        if (count > 0) {
          rejected.record(count, series.refused(i));
        }
      }
    }
  }

  /** The sums of one series over its live queues. */
  private static final class Totals {
    int members;
    long size;
    long capacity;
    boolean unbounded;
    boolean details;
    long enqueued;
    long dequeued;
    final Refusals refusals = new Refusals();

    void add(QueueTracker tracker, BlockingQueue<?> queue) {
      members++;
      size += queue.size();
      long cap = tracker.capacity(queue);
      if (cap < 0) {
        unbounded = true;
      } else {
        capacity += cap;
      }
      details |= tracker.details;
      enqueued += tracker.enqueued.sum();
      dequeued += tracker.dequeued.sum();
      tracker.refusals.addTo(refusals);
    }
  }
}
