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
import dev.spillway.agent.status.TargetStatus;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.agent.timing.Sampler;
import dev.spillway.agent.timing.TaskSampling;
import dev.spillway.agent.timing.WaitSketch;
import dev.spillway.agent.util.Glob;
import dev.spillway.agent.util.Plumbing;
import dev.spillway.agent.util.QueueSizes;
import dev.spillway.bootstrap.QueueHooks;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;

/** The blocking-queue family, wired: registry, metrics, hooks, advice and rules. */
public final class QueueFamily implements Family, WorkQueues {

  private final QueueRegistry registry;
  private final TaskSampling sampling;
  private final QueueHookDelegate events;
  private long lastHousekeeping = System.nanoTime();
  private long lastRotation = lastHousekeeping;
  /** Set by {@link #stop}: nothing turns {@link QueueHooks#watching} on again. Guarded by this. */
  private boolean stopped;

  public QueueFamily(SpillwayConfig config, Telemetry early) {
    Plumbing.track(config.get(Settings.PLUMBING_TRACKED));
    this.sampling = new TaskSampling(config.get(Settings.TIMING), config.get(Settings.TIMING_RATE));
    List<Glob> details = new ArrayList<>();
    for (String glob : config.get(Settings.QUEUE_DETAILS).split(";")) {
      if (!glob.isBlank()) {
        details.add(Glob.of(glob.trim()));
      }
    }
    this.registry = new QueueRegistry(new QueueNaming(config.get(Settings.QUEUE_NAMES)),
        config.get(Settings.QUEUE_MAX_TRACKED), details, sampling);
    this.events = new QueueHookDelegate(registry, new QueueMetrics(early.meter("queue"), registry));
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
  public void guard(Object queue, Guard guard) {
    registry.guard(queue, guard);
    rewatch();
  }

  @Override
  public void enforce(RuleEngine engine) {
    registry.enforce(engine, tracker -> {
      bind(engine, tracker);
      watch(tracker);
    }, this::rewatch);
  }

  private void bind(RuleEngine engine, QueueTracker tracker) {
    QueueSeries series = tracker.series;
    BlockingQueue<?> queue = tracker.queue();
    if (series == null || queue == null) {
      return;
    }
    if (!tracker.sheddable) {
      if (engine.rules().rules().stream().anyMatch(rule -> rule.applies(TargetKind.QUEUE, series.name, tracker.jdkOwned))) {
        AgentLog.warnOnce("unsheddable:" + series.name, "queue '" + series.name + "' is a " + tracker.type
            + ", whose inserts never fail (callers rarely check them): rules do not refuse its inserts");
      }
      return;
    }
    tracker.capacity(queue);
    Gate gate = engine.gate(TargetKind.QUEUE, series.name, tracker.signals, tracker.jdkOwned);
    // Controlled delay needs the waits: a wait rule times this queue's items, as details do, for
    // as long as the rule is in force.
    boolean timed = registry.wantsDetails(series.name) || (gate != null && gate.watchesWait());
    if (timed && !tracker.details && tracker.sampler.mask() < 0) {
      tracker.sampler.setMask(0);
    } else if (!timed && tracker.details) {
      tracker.sampler.setMask(Sampler.OFF);
    }
    tracker.details = timed;
    tracker.gate = gate;
  }

  /**
   * A queue just named watches: every queue operation now reaches the agent. Under this lock, as
   * {@link #rewatch}, so that a recomputation that missed this queue cannot clear the flag after.
   */
  private synchronized void watch(QueueTracker tracker) {
    if (!stopped && (tracker.details || tracker.gate != null)) {
      QueueHooks.watching = true;
    }
  }

  /**
   * Recomputes {@link QueueHooks#watching} after rules changed and as watched queues go: once no
   * live queue has details or a rule, queue operations stop calling the agent (issue 12).
   */
  synchronized void rewatch() {
    boolean any = registry.anyGuarded();
    for (QueueTracker tracker : registry.all()) {
      if (tracker != QueueTracker.IGNORED && tracker.series != null && (tracker.details || tracker.gate != null)) {
        any = true;
        break;
      }
    }
    QueueHooks.watching = any && !stopped;
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
    rewatch();
    if (now - lastRotation > WaitSketch.WINDOW_NANOS) {
      lastRotation = now;
      for (QueueSeries series : registry.series()) {
        series.waits.rotate();
      }
    }
    registry.dropEmptySeries(now);
  }

  @Override
  public List<TargetStatus> status() {
    Map<QueueSeries, long[]> sums = new LinkedHashMap<>();
    Map<QueueSeries, StringBuilder> rules = new HashMap<>();
    Map<QueueSeries, Boolean> details = new HashMap<>();
    for (QueueTracker tracker : registry.live()) {
      BlockingQueue<?> queue = tracker.queue();
      QueueSeries series = tracker.series;
      if (queue == null || series == null) {
        continue;
      }
      long[] sum = sums.computeIfAbsent(series, s -> new long[4]);
      sum[0] += queue.size();
      long capacity = tracker.capacity(queue);
      sum[1] = sum[1] < 0 || capacity < 0 ? -1 : sum[1] + capacity;
      sum[2] += tracker.refusals.failures();
      sum[3] += tracker.refusals.total(Refusals.SHED);
      details.merge(series, tracker.details, Boolean::logicalOr);
      Gate gate = tracker.gate;
      String active = gate == null ? "" : gate.activeRules();
      if (!active.isEmpty() && rules.computeIfAbsent(series, s -> new StringBuilder()).indexOf(active) < 0) {
        rules.get(series).append(rules.get(series).length() == 0 ? "" : ",").append(active);
      }
    }
    List<TargetStatus> rows = new ArrayList<>();
    for (Map.Entry<QueueSeries, long[]> entry : sums.entrySet()) {
      QueueSeries series = entry.getKey();
      long[] sum = entry.getValue();
      long taken = Boolean.TRUE.equals(details.get(series)) ? dequeued(series) : -1;
      rows.add(new TargetStatus("queue", series.name, series.type, sum[0], sum[1], -1, -1,
          sum[2] + series.retiredRefusals.failures(), sum[3] + series.retiredRefusals.total(Refusals.SHED),
          taken, series.waits.percentile(0.99), rules.containsKey(series) ? rules.get(series).toString() : ""));
    }
    return rows;
  }

  private long dequeued(QueueSeries series) {
    long taken = series.retiredDequeued.sum();
    for (QueueTracker tracker : registry.live()) {
      if (tracker.series == series) {
        taken += tracker.dequeued.sum();
      }
    }
    return taken;
  }

  @Override
  public void stop() {
    synchronized (this) {
      stopped = true;
      QueueHooks.watching = false;
    }
    QueueHooks.install(QueueHooks.NO_OP);
  }

  /** Rules read the JDK queues' sizes without their locks from now on (see {@link QueueSizes}). */
  @Override
  public void discover(Instrumentation inst, Set<String> unwoven) {
    QueueSizes.open(inst);
  }
}
