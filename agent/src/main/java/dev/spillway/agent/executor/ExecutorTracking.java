package dev.spillway.agent.executor;

import dev.spillway.agent.config.Settings;
import dev.spillway.agent.config.SpillwayConfig;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.shedding.TargetKind;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.bootstrap.ExecutorHooks;
import java.util.concurrent.ThreadPoolExecutor;

/** The executor family, wired: registry, metrics, hooks and advice. */
public final class ExecutorTracking {

  private final ExecutorRegistry registry;
  private final TaskSampling sampling;
  private final ExecutorEvents events;
  private long lastHousekeeping = System.nanoTime();

  public ExecutorTracking(SpillwayConfig config) {
    this.sampling = new TaskSampling(config.get(Settings.EXECUTOR_TIMING),
        config.get(Settings.EXECUTOR_TIMING_RATE));
    this.registry = new ExecutorRegistry(new ExecutorNaming(config.get(Settings.EXECUTOR_NAMES)),
        config.get(Settings.EXECUTOR_MAX_TRACKED), sampling.initialMask());
    this.events = new ExecutorEvents(registry,
        new ExecutorMetrics(Telemetry.noop().meter("executor"), registry));
  }

  /** Applies shedding rules to executors, from now on and after every rule change. */
  public void enforce(RuleEngine engine) {
    registry.onNamed(tracker -> bind(engine, tracker));
    engine.onRulesChanged(() -> {
      for (ExecutorTracker tracker : registry.all()) {
        if (tracker != ExecutorTracker.IGNORED && tracker.series != null) {
          bind(engine, tracker);
        }
      }
    });
  }

  private static void bind(RuleEngine engine, ExecutorTracker tracker) {
    ExecutorSeries series = tracker.series;
    ThreadPoolExecutor executor = tracker.executor();
    if (series == null || executor == null) {
      return;
    }
    tracker.queueCapacity(executor.getQueue());
    tracker.gate = engine.gate(TargetKind.EXECUTOR, series.name, tracker.signals);
  }

  /** Starts reporting to the SDK; until then executors are tracked but nothing is recorded. */
  public void report(Telemetry telemetry) {
    events.setMetrics(new ExecutorMetrics(telemetry.meter("executor"), registry));
  }

  public TypeInstrumentation instrumentation() {
    return new ExecutorInstrumentation();
  }

  /** Connects the hooks: from now on executors are tracked. */
  public void start() {
    ExecutorHooks.install(events);
  }

  /** Disconnects the hooks; rewritten classes call the no-op delegate from then on. */
  public void stop() {
    ExecutorHooks.install(ExecutorHooks.NO_OP);
  }

  /** Once a second: re-choose sampling rates, drop stale samples, forget dead executors. */
  public void housekeeping() {
    long now = System.nanoTime();
    long elapsed = now - lastHousekeeping;
    lastHousekeeping = now;
    for (ExecutorTracker tracker : registry.all()) {
      if (tracker != ExecutorTracker.IGNORED) {
        sampling.adjust(tracker, elapsed);
        tracker.pending.sweep(now);
      }
    }
    registry.live();
  }
}
