package dev.spillway.agent.pool;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.pool.PoolAdapter.PoolState;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.HashSet;
import java.util.Set;
import java.util.List;

/**
 * The {@code db.client.connection.*} instruments, one set for every supported pool.
 *
 * <p>Names, units and attributes follow the OpenTelemetry database semantic conventions (the
 * current {@code db.client.connection.*} names, status Development): {@code count} by
 * {@code db.client.connection.state}, {@code idle.max}, {@code idle.min}, {@code max},
 * {@code pending_requests}, {@code timeouts}, and the {@code create_time}, {@code wait_time} and
 * {@code use_time} histograms in seconds. Spillway adds {@code spillway.pool.shed}.
 *
 * <p>The gauges are read from each pool's own getters when the SDK collects, never on the acquire
 * path. Timeouts and sheds are counted by the agent from the first one on and exported as
 * observable counters, so that none is lost before the SDK is up.
 */
final class PoolMetrics {

  static final String COUNT = "db.client.connection.count";
  static final String IDLE_MAX = "db.client.connection.idle.max";
  static final String IDLE_MIN = "db.client.connection.idle.min";
  static final String MAX = "db.client.connection.max";
  static final String PENDING = "db.client.connection.pending_requests";
  static final String TIMEOUTS = "db.client.connection.timeouts";
  static final String CREATE_TIME = "db.client.connection.create_time";
  static final String WAIT_TIME = "db.client.connection.wait_time";
  static final String USE_TIME = "db.client.connection.use_time";
  static final String SHED = "spillway.pool.shed";

  /** Seconds, from 10 µs (an idle connection handed over) to a minute. */
  static final List<Double> DURATION_BUCKETS = List.of(
      0.00001, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
      5.0, 10.0, 30.0, 60.0);

  private final PoolRegistry registry;
  private final DoubleHistogram createTime;
  private final DoubleHistogram waitTime;
  private final DoubleHistogram useTime;

  PoolMetrics(Meter meter, PoolRegistry registry) {
    this.registry = registry;
    ObservableLongMeasurement count = meter.upDownCounterBuilder(COUNT).setUnit("{connection}")
        .setDescription("The number of connections that are currently in the state described by the state attribute.")
        .buildObserver();
    ObservableLongMeasurement idleMax = meter.upDownCounterBuilder(IDLE_MAX).setUnit("{connection}")
        .setDescription("The maximum number of idle open connections allowed.").buildObserver();
    ObservableLongMeasurement idleMin = meter.upDownCounterBuilder(IDLE_MIN).setUnit("{connection}")
        .setDescription("The minimum number of idle open connections allowed.").buildObserver();
    ObservableLongMeasurement max = meter.upDownCounterBuilder(MAX).setUnit("{connection}")
        .setDescription("The maximum number of open connections allowed.").buildObserver();
    ObservableLongMeasurement pending = meter.upDownCounterBuilder(PENDING).setUnit("{request}")
        .setDescription("The number of current pending requests for an open connection.").buildObserver();
    ObservableLongMeasurement timeouts = meter.counterBuilder(TIMEOUTS).setUnit("{timeout}")
        .setDescription("The number of connection timeouts that have occurred trying to obtain a connection from the pool.")
        .buildObserver();
    ObservableLongMeasurement sheds = meter.counterBuilder(SHED).setUnit("{request}")
        .setDescription("Connection requests refused at once by a Spillway shedding rule (Spillway's own).")
        .buildObserver();
    meter.batchCallback(() -> collect(count, idleMax, idleMin, max, pending, timeouts, sheds),
        count, idleMax, idleMin, max, pending, timeouts, sheds);

    this.createTime = meter.histogramBuilder(CREATE_TIME).setUnit("s")
        .setDescription("The time it took to create a new connection.")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
    this.waitTime = meter.histogramBuilder(WAIT_TIME).setUnit("s")
        .setDescription("The time it took to obtain an open connection from the pool.")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
    this.useTime = meter.histogramBuilder(USE_TIME).setUnit("s")
        .setDescription("The time between borrowing a connection and returning it to the pool.")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
  }

  void recordWait(PoolTracker tracker, long nanos) {
    tracker.waits.record(nanos);
    waitTime.record(Math.max(0, nanos) / 1e9, registry.series(tracker).attributes);
  }

  void recordUse(PoolTracker tracker, long nanos) {
    useTime.record(Math.max(0, nanos) / 1e9, registry.series(tracker).attributes);
  }

  void recordCreate(PoolTracker tracker, long nanos) {
    createTime.record(Math.max(0, nanos) / 1e9, registry.series(tracker).attributes);
  }

  private void collect(ObservableLongMeasurement count, ObservableLongMeasurement idleMax,
      ObservableLongMeasurement idleMin, ObservableLongMeasurement max, ObservableLongMeasurement pending,
      ObservableLongMeasurement timeouts, ObservableLongMeasurement sheds) {
    Totals overflow = null;
    PoolState state = new PoolState();
    Set<String> reported = new HashSet<>();
    for (PoolTracker tracker : registry.live()) {
      Object pool = tracker.pool();
      if (pool == null || tracker.released) {
        continue;
      }
      state.clear();
      try {
        tracker.adapter.read(pool, state);
      } catch (Exception | LinkageError e) {
        AgentLog.debug("cannot read a " + tracker.adapter.library() + " pool", e);
      }
      PoolSeries series = registry.series(tracker);
      Totals totals = series.overflow ? (overflow == null ? overflow = new Totals() : overflow) : new Totals();
      totals.add(tracker, state);
      if (!series.overflow) {
        PoolRegistry.Retired earlier = registry.retired(series.name);
        if (earlier != null) {
          totals.add(earlier);
        }
        reported.add(series.name);
        totals.record(series, count, idleMax, idleMin, max, pending, timeouts, sheds);
      }
    }
    // Pools closed or collected since the last collection: their final counts, once, none in use.
    for (PoolRegistry.Retired gone : registry.takeUnreported(reported)) {
      Totals totals = new Totals();
      totals.add(gone);
      totals.gone();
      totals.record(gone.series, count, idleMax, idleMin, max, pending, timeouts, sheds);
    }
    if (overflow != null) {
      PoolSeries series = registry.overflowSeries();
      overflow.timeouts += series.retiredTimeouts.sum();
      overflow.sheds += series.retiredSheds.sum();
      overflow.record(series, count, idleMax, idleMin, max, pending, timeouts, sheds);
    }
  }

  /**
   * The values of one series: one pool, or the sum of those in the overflow series. A gauge one of
   * its pools cannot give is left out of the series.
   */
  private static final class Totals {
    long used;
    long idle;
    long pending;
    long max;
    long idleMin;
    long idleMax;
    boolean noUsed;
    boolean noIdle;
    boolean noPending;
    boolean noMax;
    boolean noIdleMin;
    boolean noIdleMax;
    long timeouts;
    long sheds;

    /** What pools gone under this name counted. */
    void add(PoolRegistry.Retired retired) {
      timeouts += retired.timeouts;
      sheds += retired.sheds;
    }

    /** Only pools that are gone: no connections, nobody waiting, no limits left to report. */
    void gone() {
      noMax = true;
      noIdleMin = true;
      noIdleMax = true;
    }

    void add(PoolTracker tracker, PoolState state) {
      noUsed |= state.used < 0;
      used += Math.max(0, state.used);
      noIdle |= state.idle < 0;
      idle += Math.max(0, state.idle);
      noPending |= state.pending < 0;
      pending += Math.max(0, state.pending);
      noMax |= state.max < 0;
      max += Math.max(0, state.max);
      noIdleMin |= state.idleMin < 0;
      idleMin += Math.max(0, state.idleMin);
      noIdleMax |= state.idleMax < 0;
      idleMax += Math.max(0, state.idleMax);
      timeouts += tracker.timeouts.sum();
      sheds += tracker.sheds.sum();
    }

    void record(PoolSeries series, ObservableLongMeasurement count, ObservableLongMeasurement idleMaxes,
        ObservableLongMeasurement idleMins, ObservableLongMeasurement maxes,
        ObservableLongMeasurement pendings, ObservableLongMeasurement timeoutCounts,
        ObservableLongMeasurement shedCounts) {
      if (!noUsed) {
        count.record(used, series.used);
      }
      if (!noIdle) {
        count.record(idle, series.idle);
      }
      if (!noIdleMax) {
        idleMaxes.record(idleMax, series.attributes);
      }
      if (!noIdleMin) {
        idleMins.record(idleMin, series.attributes);
      }
      if (!noMax) {
        maxes.record(max, series.attributes);
      }
      if (!noPending) {
        pendings.record(pending, series.attributes);
      }
      timeoutCounts.record(timeouts, series.attributes);
      if (sheds > 0) {
        shedCounts.record(sheds, series.attributes);
      }
    }
  }
}
