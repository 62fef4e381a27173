package dev.spillway.agent.pool;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.pool.PoolAdapter.PoolState;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pool instruments, one set per {@link PoolDomain} for every supported pool.
 *
 * <p>JDBC: names, units and attributes follow the OpenTelemetry database semantic conventions (the
 * current {@code db.client.connection.*} names, status Development): {@code count} by
 * {@code db.client.connection.state}, {@code idle.max}, {@code idle.min}, {@code max},
 * {@code pending_requests}, {@code timeouts}, and the {@code create_time}, {@code wait_time} and
 * {@code use_time} histograms in seconds.
 *
 * <p>HTTP clients: {@code http.client.open_connections} by {@code http.connection.state}
 * ({@code active} / {@code idle}), the HTTP conventions' name (Development), then the same set as
 * JDBC under {@code http.client.connection.*} ({@code max}, {@code idle.max},
 * {@code pending_requests}, {@code timeouts}, {@code wait_time}), Spillway's
 * {@code http.client.connection.max_per_route}, and for OkHttp's dispatcher
 * {@code http.client.active_requests} (the conventions' name) with Spillway's
 * {@code http.client.queued_requests}, {@code http.client.request.limit} and
 * {@code http.client.request.limit_per_host}. Spillway adds {@code spillway.pool.shed} to both.
 *
 * <p>The gauges are read from each pool's own getters when the SDK collects, never on the acquire
 * path. Timeouts and sheds are counted by the agent from the first one on and exported as
 * observable counters, so that none is lost before the SDK is up.
 */
final class PoolMetrics {

  static final String COUNT = PoolDomain.DB.count;
  static final String CREATE_TIME = "db.client.connection.create_time";
  static final String WAIT_TIME = "db.client.connection.wait_time";
  static final String USE_TIME = "db.client.connection.use_time";
  static final String SHED = "spillway.pool.shed";
  static final String ACTIVE_REQUESTS = "http.client.active_requests";
  static final String QUEUED_REQUESTS = "http.client.queued_requests";
  static final String REQUEST_LIMIT = "http.client.request.limit";
  static final String REQUEST_LIMIT_PER_HOST = "http.client.request.limit_per_host";
  static final String REQUEST_WAIT_TIME = "http.client.request.wait_time";

  /** Seconds, from 10 µs (an idle connection handed over) to a minute. */
  static final List<Double> DURATION_BUCKETS = List.of(
      0.00001, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
      5.0, 10.0, 30.0, 60.0);

  private final PoolRegistry registry;
  private final Map<PoolDomain, Instruments> domains = new EnumMap<>(PoolDomain.class);
  private final ObservableLongMeasurement sheds;
  private final DoubleHistogram createTime;
  private final DoubleHistogram useTime;

  PoolMetrics(Meter meter, PoolRegistry registry) {
    this.registry = registry;
    List<ObservableMeasurement> observers = new ArrayList<>();
    for (PoolDomain domain : PoolDomain.values()) {
      Instruments instruments = new Instruments(meter, domain);
      domains.put(domain, instruments);
      instruments.addTo(observers);
    }
    this.sheds = meter.counterBuilder(SHED).setUnit("{request}")
        .setDescription("Connection requests refused at once by a Spillway shedding rule (Spillway's own).")
        .buildObserver();
    observers.add(sheds);
    ObservableMeasurement first = observers.remove(0);
    meter.batchCallback(this::collect, first, observers.toArray(new ObservableMeasurement[0]));

    this.createTime = meter.histogramBuilder(CREATE_TIME).setUnit("s")
        .setDescription("The time it took to create a new connection.")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
    this.useTime = meter.histogramBuilder(USE_TIME).setUnit("s")
        .setDescription("The time between borrowing a connection and returning it to the pool.")
        .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
  }

  /** The observable instruments and the wait histogram of one domain. */
  private static final class Instruments {
    final ObservableLongMeasurement count;
    final ObservableLongMeasurement idleMax;
    final ObservableLongMeasurement idleMin;
    final ObservableLongMeasurement max;
    final ObservableLongMeasurement pending;
    final ObservableLongMeasurement timeouts;
    final DoubleHistogram waitTime;
    /** HTTP only: the wait of an enqueued call for a dispatcher slot (OkHttp). */
    final DoubleHistogram requestWaitTime;
    /** HTTP only; null for JDBC. */
    final ObservableLongMeasurement maxPerRoute;
    final ObservableLongMeasurement activeRequests;
    final ObservableLongMeasurement queuedRequests;
    final ObservableLongMeasurement requestLimit;
    final ObservableLongMeasurement requestLimitPerHost;

    Instruments(Meter meter, PoolDomain domain) {
      count = meter.upDownCounterBuilder(domain.count).setUnit("{connection}")
          .setDescription(domain == PoolDomain.DB
              ? "The number of connections that are currently in the state described by the state attribute."
              : "Number of outbound HTTP connections that are currently active or idle on the client.")
          .buildObserver();
      idleMax = meter.upDownCounterBuilder(domain.name("idle.max")).setUnit("{connection}")
          .setDescription("The maximum number of idle open connections allowed.").buildObserver();
      // No HTTP client pool has an idle minimum; the instrument is made for JDBC only.
      idleMin = domain == PoolDomain.DB ? meter.upDownCounterBuilder(domain.name("idle.min")).setUnit("{connection}")
          .setDescription("The minimum number of idle open connections allowed.").buildObserver() : null;
      max = meter.upDownCounterBuilder(domain.name("max")).setUnit("{connection}")
          .setDescription("The maximum number of open connections allowed.").buildObserver();
      pending = meter.upDownCounterBuilder(domain.name("pending_requests")).setUnit("{request}")
          .setDescription("The number of current pending requests for an open connection.").buildObserver();
      timeouts = meter.counterBuilder(domain.name("timeouts")).setUnit("{timeout}")
          .setDescription("The number of connection timeouts that have occurred trying to obtain a connection from the pool.")
          .buildObserver();
      waitTime = meter.histogramBuilder(domain.name("wait_time")).setUnit("s")
          .setDescription("The time it took to obtain an open connection from the pool.")
          .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build();
      requestWaitTime = domain == PoolDomain.HTTP ? meter.histogramBuilder(REQUEST_WAIT_TIME).setUnit("s")
          .setDescription("The time an asynchronous HTTP request waited in the client's dispatcher for a free slot (Spillway's own).")
          .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS).build() : null;
      if (domain == PoolDomain.HTTP) {
        maxPerRoute = meter.upDownCounterBuilder(domain.name("max_per_route")).setUnit("{connection}")
            .setDescription("The maximum number of open connections to one route (host and port) allowed by default (Spillway's own).")
            .buildObserver();
        activeRequests = meter.upDownCounterBuilder(ACTIVE_REQUESTS).setUnit("{request}")
            .setDescription("Number of active HTTP requests.").buildObserver();
        queuedRequests = meter.upDownCounterBuilder(QUEUED_REQUESTS).setUnit("{request}")
            .setDescription("Asynchronous HTTP requests waiting in the client's dispatcher for a free slot (Spillway's own).")
            .buildObserver();
        requestLimit = meter.upDownCounterBuilder(REQUEST_LIMIT).setUnit("{request}")
            .setDescription("The most requests the client's dispatcher runs at once (Spillway's own).").buildObserver();
        requestLimitPerHost = meter.upDownCounterBuilder(REQUEST_LIMIT_PER_HOST).setUnit("{request}")
            .setDescription("The most requests to one host the client's dispatcher runs at once (Spillway's own).")
            .buildObserver();
      } else {
        maxPerRoute = activeRequests = queuedRequests = requestLimit = requestLimitPerHost = null;
      }
    }

    void addTo(List<ObservableMeasurement> observers) {
      for (ObservableLongMeasurement m : new ObservableLongMeasurement[] {count, idleMax, idleMin, max, pending,
          timeouts, maxPerRoute, activeRequests, queuedRequests, requestLimit, requestLimitPerHost}) {
        if (m != null) {
          observers.add(m);
        }
      }
    }
  }

  void recordWait(PoolTracker tracker, long nanos) {
    tracker.waits.record(nanos);
    PoolSeries series = registry.series(tracker);
    Instruments instruments = domains.get(series.domain);
    DoubleHistogram histogram = tracker.adapter.acquiresRequestSlots() && instruments.requestWaitTime != null
        ? instruments.requestWaitTime : instruments.waitTime;
    histogram.record(Math.max(0, nanos) / 1e9, series.attributes);
  }

  void recordUse(PoolTracker tracker, long nanos) {
    useTime.record(Math.max(0, nanos) / 1e9, registry.series(tracker).attributes);
  }

  void recordCreate(PoolTracker tracker, long nanos) {
    createTime.record(Math.max(0, nanos) / 1e9, registry.series(tracker).attributes);
  }

  private void collect() {
    Map<PoolDomain, Totals> overflow = new EnumMap<>(PoolDomain.class);
    HttpRoutes.Counts overflowRoutes = new HttpRoutes.Counts();
    Instruments http = domains.get(PoolDomain.HTTP);
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
      HttpRoutes routes = routes(tracker, pool);
      PoolSeries series = registry.series(tracker);
      Totals totals = series.overflow ? overflow.computeIfAbsent(series.domain, d -> new Totals()) : new Totals();
      totals.add(tracker, state);
      if (series.overflow) {
        if (routes != null) {
          routes.addTo(overflowRoutes);
        }
      } else {
        PoolRegistry.Retired earlier = registry.retired(series.name);
        if (earlier != null) {
          totals.add(earlier);
        }
        reported.add(series.name);
        totals.record(series, domains.get(series.domain), sheds);
        if (routes != null) {
          tracker.routes.record(routes, series, registry.routeCap(), http.count, http.activeRequests);
        }
      }
    }
    // Pools past the cap: all their routes in one row.
    RouteSeries.record(overflowRoutes, registry.overflowSeries(PoolDomain.HTTP), http.count, http.activeRequests);
    // Pools closed or collected since the last collection: their final counts, once, none in use.
    for (PoolRegistry.Retired gone : registry.takeUnreported(reported)) {
      Totals totals = new Totals();
      totals.add(gone);
      totals.gone();
      totals.record(gone.series, domains.get(gone.series.domain), sheds);
    }
    for (Map.Entry<PoolDomain, Totals> entry : overflow.entrySet()) {
      PoolSeries series = registry.overflowSeries(entry.getKey());
      Totals totals = entry.getValue();
      totals.timeouts += series.retiredTimeouts.sum();
      totals.sheds += series.retiredSheds.sum();
      totals.record(series, domains.get(series.domain), sheds);
    }
  }

  /**
   * An HTTP client pool's connections (or a dispatcher's running calls) by route, read from what
   * it holds now; null for a JDBC pool, or if they cannot be read (then no per-route row is made).
   */
  private static HttpRoutes routes(PoolTracker tracker, Object pool) {
    if (!(tracker.adapter instanceof HttpPoolAdapter)) {
      return null;
    }
    HttpRoutes routes = new HttpRoutes();
    try {
      ((HttpPoolAdapter) tracker.adapter).readRoutes(pool, routes);
      return routes;
    } catch (Exception | LinkageError e) {
      AgentLog.debug("cannot read the routes of a " + tracker.adapter.library() + " pool", e);
      return null;
    }
  }

  /**
   * The values of one series: one pool, or the sum of those in the overflow series. A gauge one of
   * its pools cannot give is left out of the series.
   */
  private static final class Totals {
    /** used, idle, pending, max, idleMin, idleMax, maxPerRoute, activeRequests, queuedRequests, requestLimit, requestLimitPerHost */
    final long[] values = new long[11];
    final boolean[] unknown = new boolean[11];
    long timeouts;
    long sheds;
    /** Whether a pool of the series has its acquires seen, so its timeouts counted. */
    boolean timed;

    /** What pools gone under this name counted. */
    void add(PoolRegistry.Retired retired) {
      timed = true;
      timeouts += retired.timeouts;
      sheds += retired.sheds;
    }

    /** Only pools that are gone: no connections, nobody waiting, no limits left to report. */
    void gone() {
      for (int limit : new int[] {3, 4, 5, 6, 9, 10}) {
        unknown[limit] = true;
      }
    }

    void add(PoolTracker tracker, PoolState state) {
      long[] read = {state.used, state.idle, state.pending, state.max, state.idleMin, state.idleMax,
          state.maxPerRoute, state.activeRequests, state.queuedRequests, state.requestLimit, state.requestLimitPerHost};
      for (int i = 0; i < read.length; i++) {
        unknown[i] |= read[i] < 0;
        values[i] += Math.max(0, read[i]);
      }
      timeouts += tracker.timeouts.sum();
      sheds += tracker.sheds.sum();
      Object pool = tracker.pool();
      timed |= pool != null && tracker.adapter.countsTimeouts(pool);
    }

    void record(PoolSeries series, Instruments to, ObservableLongMeasurement shedCounts) {
      // HTTP client pools count connections and running requests per route (RouteSeries).
      if (series.domain == PoolDomain.DB) {
        record(to.count, 0, series.used);
        record(to.count, 1, series.idle);
      }
      record(to.pending, 2, series.attributes);
      record(to.max, 3, series.attributes);
      record(to.idleMin, 4, series.attributes);
      record(to.idleMax, 5, series.attributes);
      record(to.maxPerRoute, 6, series.attributes);
      record(to.queuedRequests, 8, series.attributes);
      record(to.requestLimit, 9, series.attributes);
      record(to.requestLimitPerHost, 10, series.attributes);
      if (timed || timeouts > 0) {
        to.timeouts.record(timeouts, series.attributes);
      }
      if (sheds > 0) {
        shedCounts.record(sheds, series.attributes);
      }
    }

    private void record(ObservableLongMeasurement instrument, int index,
        io.opentelemetry.api.common.Attributes attributes) {
      if (instrument != null && !unknown[index]) {
        instrument.record(values[index], attributes);
      }
    }
  }
}
