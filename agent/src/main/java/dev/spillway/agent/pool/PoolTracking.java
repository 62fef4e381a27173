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
import dev.spillway.agent.pool.tomcat.TomcatJdbcAdapter;
import dev.spillway.agent.pool.tomcat.TomcatJdbcInstrumentation;
import dev.spillway.agent.shedding.Gate;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.shedding.TargetKind;
import dev.spillway.agent.status.TargetStatus;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.agent.timing.TaskSampling;
import dev.spillway.bootstrap.PoolHooks;
import java.util.ArrayList;
import java.util.List;

/**
 * The connection-pool family, wired: one registry, one set of {@code db.client.connection.*}
 * instruments and one hook implementation for every library; each library brings its advice and
 * an adapter that reads its pools.
 */
public final class PoolTracking implements Family {

  private final PoolRegistry registry;
  private final PoolEvents events;
  private final TaskSampling sampling;
  private long lastHousekeeping = System.nanoTime();
  private long lastRotation = lastHousekeeping;

  public PoolTracking(SpillwayConfig config, Telemetry early) {
    PoolAdapter[] adapters = new PoolAdapter[PoolHooks.LIBRARIES];
    adapters[PoolHooks.HIKARI] = new HikariAdapter();
    adapters[PoolHooks.COMMONS_POOL] = new CommonsPoolAdapter();
    adapters[PoolHooks.TOMCAT] = new TomcatJdbcAdapter();
    adapters[PoolHooks.C3P0] = new C3p0Adapter();
    adapters[PoolHooks.AGROAL] = new AgroalAdapter();
    this.sampling = new TaskSampling(config.get(Settings.TIMING), config.get(Settings.TIMING_RATE));
    this.registry = new PoolRegistry(adapters, new PoolNaming(config.get(Settings.POOL_NAMES)),
        config.get(Settings.POOL_MAX_TRACKED), sampling);
    this.events = new PoolEvents(registry, new PoolMetrics(early.meter("pool"), registry),
        config.get(Settings.POOL_SLOW_ACQUIRE).toNanos());
  }

  @Override
  public String name() {
    return "connection pools";
  }

  @Override
  public TypeInstrumentation instrumentation() {
    return new CompoundInstrumentation(List.of(new HikariInstrumentation(), new CommonsPoolInstrumentation(),
        new TomcatJdbcInstrumentation(), new C3p0Instrumentation(), new AgroalInstrumentation()));
  }

  @Override
  public void enforce(RuleEngine engine) {
    registry.onNamed(tracker -> bind(engine, tracker));
    engine.onRulesChanged(() -> {
      for (PoolTracker tracker : registry.all()) {
        if (tracker != PoolTracker.IGNORED && tracker.series != null) {
          bind(engine, tracker);
        }
      }
    });
  }

  private static void bind(RuleEngine engine, PoolTracker tracker) {
    PoolSeries series = tracker.series;
    if (series != null && tracker.pool() != null) {
      tracker.gate = engine.gate(TargetKind.POOL, series.name, tracker.signals);
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
      // completed stays unknown: counting every acquire would cost the acquire path an increment.
      rows.add(new TargetStatus("pool", series.name, tracker.type, state.pending, -1, state.used, state.max,
          tracker.timeouts.sum() + shed, shed, -1, tracker.waits.percentile(0.99),
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
  }
}
