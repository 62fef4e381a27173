package dev.spillway.agent.pool;

import static dev.spillway.agent.timing.WaitSketch.WINDOW_NANOS;

import dev.spillway.agent.Family;
import dev.spillway.agent.config.Settings;
import dev.spillway.agent.config.SpillwayConfig;
import dev.spillway.agent.install.CompoundInstrumentation;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.pool.agroal.AgroalAdapter;
import dev.spillway.agent.pool.agroal.AgroalInstrumentation;
import dev.spillway.agent.pool.c3p0.C3p0Adapter;
import dev.spillway.agent.pool.c3p0.C3p0Instrumentation;
import dev.spillway.agent.pool.commonspool.CommonsPoolAdapter;
import dev.spillway.agent.pool.commonspool.CommonsPoolInstrumentation;
import dev.spillway.agent.pool.hikari.HikariAdapter;
import dev.spillway.agent.pool.PoolAdapter.PoolState;
import dev.spillway.agent.pool.hikari.HikariInstrumentation;
import dev.spillway.agent.pool.httpclient4.HttpClient4Adapter;
import dev.spillway.agent.pool.httpclient4.HttpClient4Instrumentation;
import dev.spillway.agent.pool.httpclient5.HttpClient5Adapter;
import dev.spillway.agent.pool.httpclient5.HttpClient5Instrumentation;
import dev.spillway.agent.pool.okhttp.OkHttpConnectionPoolAdapter;
import dev.spillway.agent.pool.okhttp.OkHttpDispatcherAdapter;
import dev.spillway.agent.pool.okhttp.OkHttpInstrumentation;
import dev.spillway.agent.pool.tomcat.TomcatJdbcAdapter;
import dev.spillway.agent.pool.tomcat.TomcatJdbcInstrumentation;
import dev.spillway.agent.shedding.Gate;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.shedding.TargetKind;
import dev.spillway.agent.status.TargetStatus;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.agent.timing.CoarseClock;
import dev.spillway.agent.timing.TaskSampling;
import dev.spillway.agent.util.Plumbing;
import dev.spillway.bootstrap.PoolHooks;
import java.util.ArrayList;
import java.util.List;

/**
 * The connection-pool family, wired: one registry, one set of instruments per {@link PoolDomain}
 * ({@code db.client.connection.*} for JDBC pools, {@code http.client.*} for HTTP clients' pools)
 * and one hook implementation for every library; each library brings its advice and an adapter
 * that reads its pools.
 */
public final class PoolFamily implements Family {

  private final PoolRegistry registry;
  private final PoolHookDelegate events;
  private final TaskSampling sampling;
  /** Times the acquires that feed no histogram; ticks once the first pool is seen. */
  private final CoarseClock clock = new CoarseClock();
  private long lastHousekeeping = System.nanoTime();
  private long lastRotation = lastHousekeeping;

  /** Every library the family instruments: to add one, a line here (see README, How it works). */
  private static List<PoolLibrary> libraries() {
    return List.of(
        new PoolLibrary(PoolHooks.HIKARI, new HikariAdapter(), HikariInstrumentation::new),
        new PoolLibrary(PoolHooks.COMMONS_POOL, new CommonsPoolAdapter(), CommonsPoolInstrumentation::new),
        new PoolLibrary(PoolHooks.TOMCAT, new TomcatJdbcAdapter(), TomcatJdbcInstrumentation::new),
        new PoolLibrary(PoolHooks.C3P0, new C3p0Adapter(), C3p0Instrumentation::new),
        new PoolLibrary(PoolHooks.AGROAL, new AgroalAdapter(), AgroalInstrumentation::new),
        new PoolLibrary(PoolHooks.HTTPCLIENT5, new HttpClient5Adapter(), HttpClient5Instrumentation::new),
        new PoolLibrary(PoolHooks.HTTPCLIENT4, new HttpClient4Adapter(), HttpClient4Instrumentation::new),
        new PoolLibrary(PoolHooks.OKHTTP_DISPATCHER, new OkHttpDispatcherAdapter(), OkHttpInstrumentation::new),
        // Woven by the line above: one instrumentation finds both of OkHttp's objects.
        new PoolLibrary(PoolHooks.OKHTTP_POOL, new OkHttpConnectionPoolAdapter(), null));
  }

  private final List<PoolLibrary> libraries = libraries();

  public PoolFamily(SpillwayConfig config, Telemetry early) {
    Plumbing.track(config.get(Settings.PLUMBING_TRACKED));
    PoolAdapter[] adapters = new PoolAdapter[PoolHooks.LIBRARIES];
    for (PoolLibrary library : libraries) {
      adapters[library.id] = library.adapter;
    }
    this.sampling = new TaskSampling(config.get(Settings.TIMING), config.get(Settings.TIMING_RATE));
    this.registry = new PoolRegistry(adapters, new PoolNaming(config.get(Settings.POOL_NAMES)),
        config.get(Settings.POOL_MAX_TRACKED), config.get(Settings.POOL_MAX_ROUTES), sampling);
    this.events = new PoolHookDelegate(registry, new PoolMetrics(early.meter("pool"), registry),
        config.get(Settings.POOL_SLOW_ACQUIRE).toNanos(), clock);
  }

  @Override
  public String name() {
    return "connection pools";
  }

  @Override
  public TypeInstrumentation instrumentation() {
    List<TypeInstrumentation> instrumentations = new ArrayList<>();
    for (PoolLibrary library : libraries) {
      if (library.instrumentation != null) {
        instrumentations.add(library.instrumentation.get());
      }
    }
    return new CompoundInstrumentation(instrumentations);
  }

  @Override
  public void enforce(RuleEngine engine) {
    registry.enforce(engine, tracker -> bind(engine, tracker));
  }

  private void bind(RuleEngine engine, PoolTracker tracker) {
    PoolSeries series = tracker.series;
    Object pool = tracker.pool();
    if (series != null && pool != null && tracker.adapter.seesAcquires(pool)) {
      Gate gate = engine.gate(TargetKind.POOL, series.name, tracker.signals);
      if (gate != null && gate.watchesWait()) {
        clock.fine(); // controlled delay reads waits of a few milliseconds
      }
      tracker.gate = gate;
    }
  }

  @Override
  public void start() {
    PoolHooks.install(events);
  }

  @Override
  public void report(Telemetry telemetry) {
    events.report(new PoolMetrics(telemetry.meter("pool"), registry), new PoolSpans(telemetry.tracer("pool")));
  }

  @Override
  public List<TargetStatus> status() {
    List<TargetStatus> rows = new ArrayList<>();
    PoolState state = new PoolState();
    for (PoolTracker tracker : registry.live()) {
      Object pool = tracker.pool();
      PoolSeries series = tracker.series;
      if (pool == null || series == null) {
        continue;
      }
      state.clear();
      try {
        tracker.adapter.read(pool, state);
      } catch (Exception | LinkageError e) {
        // A pool closing under us, or a getter this version lacks: its row shows what is known.
      }
      Gate gate = tracker.gate;
      long shed = tracker.sheds.sum();
      // Completed acquires where the pool counts them itself (commons-pool2, DBCP2; Tomcat JDBC's
      // borrowed count leaves out connections created for the borrower); elsewhere unknown: counting every acquire would cost the acquire path an increment.
      if (state.activeRequests >= 0) {
        // A request dispatcher (OkHttp's): its queue, its running calls and its limit.
        state.pending = state.queuedRequests;
        state.used = state.activeRequests;
        state.max = state.requestLimit;
      }
      rows.add(new TargetStatus("pool", series.name, tracker.type, state.pending, -1, state.used, state.max,
          tracker.timeouts.sum() + shed, shed, state.borrowed, tracker.waits.percentile(0.99),
          gate == null ? "" : gate.activeRules()));
    }
    return rows;
  }

  /** Re-chooses sampling rates, drops borrow times of collected entries, forgets dead pools. */
  @Override
  public void housekeeping() {
    long now = System.nanoTime();
    long elapsed = now - lastHousekeeping;
    lastHousekeeping = now;
    boolean rotate = now - lastRotation > WINDOW_NANOS;
    lastRotation = rotate ? now : lastRotation;
    for (PoolTracker tracker : registry.all()) {
      if (tracker != PoolTracker.IGNORED) {
        sampling.adjust(tracker.sampler, elapsed);
        if (rotate) {
          tracker.waits.rotate();
        }
      }
    }
    events.housekeeping();
    registry.live();
  }

  @Override
  public void stop() {
    PoolHooks.install(PoolHooks.NO_OP);
    clock.stop();
  }
}
