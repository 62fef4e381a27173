package dev.spillway.agent.queue;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.Family;
import dev.spillway.agent.WorkQueues;
import dev.spillway.agent.config.Settings;
import dev.spillway.agent.config.SpillwayConfig;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.shedding.Gate;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.shedding.TargetKind;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.agent.timing.TaskSampling;
import dev.spillway.agent.util.Glob;
import dev.spillway.bootstrap.QueueHooks;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

/** The blocking-queue family, wired: registry, metrics, hooks, advice and rules. */
public final class QueueTracking implements Family, WorkQueues {

  private final QueueRegistry registry;
  private final TaskSampling sampling;
  private final QueueEvents events;
  private long lastHousekeeping = System.nanoTime();

  public QueueTracking(SpillwayConfig config) {
    this.sampling = new TaskSampling(config.get(Settings.TIMING), config.get(Settings.TIMING_RATE));
    List<Glob> details = new ArrayList<>();
    for (String glob : config.get(Settings.QUEUE_DETAILS).split(";")) {
      if (!glob.isBlank()) {
        details.add(Glob.of(glob.trim()));
      }
    }
    this.registry = new QueueRegistry(new QueueNaming(config.get(Settings.QUEUE_NAMES)),
        config.get(Settings.QUEUE_MAX_TRACKED), details, sampling);
    this.events = new QueueEvents(registry, new QueueMetrics(Telemetry.noop().meter("queue"), registry));
  }

  @Override
  public String name() {
    return "queues";
  }

  @Override
  public TypeInstrumentation instrumentation() {
    return new QueueInstrumentation();
  }

  @Override
  public void claim(Object queue) {
    registry.ignore(queue);
  }

  @Override
  public void enforce(RuleEngine engine) {
    registry.onNamed(tracker -> {
      if (tracker.details) {
        QueueHooks.watching = true;
      }
      bind(engine, tracker);
    });
    engine.onRulesChanged(() -> {
      for (QueueTracker tracker : registry.all()) {
        if (tracker != QueueTracker.IGNORED && tracker.series != null) {
          bind(engine, tracker);
        }
      }
    });
  }

  private static void bind(RuleEngine engine, QueueTracker tracker) {
    QueueSeries series = tracker.series;
    BlockingQueue<?> queue = tracker.queue();
    if (series == null || queue == null) {
      return;
    }
    if (!tracker.sheddable) {
      if (engine.rules().rules().stream().anyMatch(rule -> rule.applies(TargetKind.QUEUE, series.name))) {
        AgentLog.warnOnce("unsheddable:" + series.name, "queue '" + series.name + "' is a " + tracker.type
            + ", whose inserts never fail (callers rarely check them): rules do not refuse its inserts");
      }
      return;
    }
    tracker.capacity(queue);
    Gate gate = engine.gate(TargetKind.QUEUE, series.name, tracker.signals);
    if (gate != null) {
      if (gate.watchesWait()) {
        // Controlled delay needs the waits: time this queue's items, as details do.
        tracker.details = true;
        if (tracker.sampler.mask() < 0) {
          tracker.sampler.setMask(0);
        }
      }
      QueueHooks.watching = true;
    }
    tracker.gate = gate;
  }

  @Override
  public void start() {
    QueueHooks.install(events);
  }

  @Override
  public void report(Telemetry telemetry) {
    events.setMetrics(new QueueMetrics(telemetry.meter("queue"), registry));
  }

  @Override
  public void housekeeping() {
    long now = System.nanoTime();
    long elapsed = now - lastHousekeeping;
    lastHousekeeping = now;
    for (QueueTracker tracker : registry.all()) {
      if (tracker != QueueTracker.IGNORED && tracker.details) {
        sampling.adjust(tracker.sampler, elapsed);
        tracker.pending.sweep(now);
      }
    }
    registry.live();
    registry.dropEmptySeries(now);
  }

  @Override
  public void stop() {
    QueueHooks.watching = false;
    QueueHooks.install(QueueHooks.NO_OP);
  }
}
