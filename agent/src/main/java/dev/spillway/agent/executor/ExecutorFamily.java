package dev.spillway.agent.executor;

import static dev.spillway.agent.timing.WaitSketch.WINDOW_NANOS;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.Family;
import dev.spillway.agent.WorkQueues;
import dev.spillway.agent.config.Settings;
import dev.spillway.agent.config.SpillwayConfig;
import dev.spillway.agent.executor.forkjoin.ForkJoinPools;
import dev.spillway.agent.executor.jboss.EnhancedQueueExecutorInstrumentation;
import dev.spillway.agent.executor.jetty.JettyThreadPoolInstrumentation;
import dev.spillway.agent.executor.reactor.BoundedElasticInstrumentation;
import dev.spillway.agent.executor.vertx.VertxTaskQueueInstrumentation;
import dev.spillway.agent.executor.vertx.VertxTaskQueues;
import dev.spillway.agent.executor.tomcat.TomcatExecutorInstrumentation;
import dev.spillway.agent.install.CompoundInstrumentation;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.install.WovenMethod;
import dev.spillway.agent.shedding.Gate;
import dev.spillway.agent.shedding.Rule;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.shedding.TargetKind;
import dev.spillway.agent.status.TargetStatus;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.agent.timing.TaskSampling;
import dev.spillway.agent.util.Plumbing;
import dev.spillway.agent.util.QueueSizes;
import dev.spillway.bootstrap.ExecutorHooks;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * The executor family, wired: registry, metrics, hooks and advice. It covers the JDK's
 * {@code ThreadPoolExecutor} and the libraries' pools read as executors: Tomcat's copy of it
 * ({@code tomcat/}), Jetty's {@code QueuedThreadPool} ({@code jetty/}), JBoss Threads'
 * {@code EnhancedQueueExecutor} ({@code jboss/}) and every
 * {@code ForkJoinPool} ({@code forkjoin/}).
 */
public final class ExecutorFamily implements Family {

  private final ExecutorRegistry registry;
  private final TaskSampling sampling;
  private final ExecutorHookDelegate events;
  private final long slowWaitNanos;
  private final ForkJoinPools forkJoinPools;
  private final WorkQueues workQueues;
  /**
   * {@code ThreadPoolExecutor} loaded before the agent could rewrite it: it is observed, not
   * rewritten (see {@link ExecutorInstrumentation}). Decided once the weaver is ready.
   */
  private volatile boolean observing;
  /** The same for Tomcat's copy of it ({@link TomcatExecutorInstrumentation}). */
  private volatile boolean observingTomcat;
  /** Attached, or started in the background: application workers may predate the bytecode. */
  private final boolean workersMayRun;
  private long lastHousekeeping = System.nanoTime();
  private long lastRotation = lastHousekeeping;

  /**
   * @param attached whether the agent arrives in a running JVM: then an executor class loaded
   *     before it is observed, never rewritten (see {@link ExecutorInstrumentation})
   */
  public ExecutorFamily(SpillwayConfig config, WorkQueues workQueues, Telemetry early, boolean attached) {
    this.workersMayRun = attached || config.get(Settings.STARTUP) == Settings.StartupMode.BACKGROUND;
    Plumbing.track(config.get(Settings.PLUMBING_TRACKED));
    this.workQueues = workQueues;
    this.sampling = new TaskSampling(config.get(Settings.TIMING),
        config.get(Settings.TIMING_RATE));
    this.registry = new ExecutorRegistry(new ExecutorNaming(config.get(Settings.EXECUTOR_NAMES)),
        config.get(Settings.EXECUTOR_MAX_TRACKED), sampling, workQueues, ExecutorFamily::libraryView);
    this.forkJoinPools = new ForkJoinPools(pool -> registry.get(pool) != null, this::found);
    this.events = new ExecutorHookDelegate(registry,
        new ExecutorMetrics(early.meter("executor"), registry));
    this.slowWaitNanos = config.get(Settings.EXECUTOR_SLOW_WAIT).toNanos();
  }

  @Override
  public void enforce(RuleEngine engine) {
    registry.enforce(engine, tracker -> bind(engine, tracker));
  }

  /** The view of an executor that is not the JDK's {@code ThreadPoolExecutor}; null for none. */
  private static ExecutorView libraryView(Object executor) {
    ExecutorView view = ForkJoinPools.view(executor);
    if (view == null) {
      view = TomcatExecutorInstrumentation.view(executor);
    }
    if (view == null) {
      view = JettyThreadPoolInstrumentation.view(executor);
    }
    return view != null ? view : EnhancedQueueExecutorInstrumentation.view(executor);
  }

  /** A pool found from its threads (not woven): tracked and named now. */
  private void found(Object executor, String threadName) {
    ExecutorTracker tracker = registry.track(executor, ExecutorRegistry.Sighting.DISCOVERED);
    if (tracker != ExecutorTracker.IGNORED && tracker.firstThreadName == null) {
      tracker.firstThreadName = threadName;
      registry.series(tracker);
    }
  }

  private void bind(RuleEngine engine, ExecutorTracker tracker) {
    ExecutorSeries series = tracker.series;
    Object executor = tracker.executor();
    if (series == null || executor == null || !tracker.view.sheddable()) {
      return;
    }
    long capacity = tracker.queueCapacity(executor);
    Gate gate = engine.gate(TargetKind.EXECUTOR, series.name, tracker.signals, tracker.jdkOwned);
    tracker.gate = gate;
    if (gate != null && !observing && executor instanceof ThreadPoolExecutor) {
      warnIfItStopsGrowth(engine, tracker, series, (ThreadPoolExecutor) executor, capacity);
    }
    if (observed(tracker) && (gate != null || tracker.guardsQueue)) {
      // Its execute is not rewritten: a refusal makes its work queue's offer fail, so the pool
      // acts as on a full queue (grows to its maximum, then its own policy refuses).
      tracker.guardsQueue = gate != null;
      workQueues.guard(tracker.view.queue(executor), gate == null ? null : element -> events.refuseAtQueue(tracker));
      if (gate != null && gate.watchesWait()) {
        AgentLog.warnOnce("observed-wait:" + series.name, "executor '" + series.name + "' predates the agent"
            + " (attached): its task waits are not timed, so the wait conditions of its rules never fire");
      }
    }
  }

  /** Whether the tracker's executor class is observed, not rewritten: shed at its work queue. */
  private boolean observed(ExecutorTracker tracker) {
    return tracker.view == ExecutorView.JDK ? observing
        : observingTomcat && TomcatExecutorInstrumentation.isTomcat(tracker.view);
  }

  /**
   * Once per rule and executor: a rule that refuses before the queue is full keeps a rewritten
   * executor at its core size (see GrowthCheck). An observed one (attached) sheds at its queue's
   * offer instead, where the pool still grows first.
   */
  private static void warnIfItStopsGrowth(RuleEngine engine, ExecutorTracker tracker, ExecutorSeries series,
      ThreadPoolExecutor executor, long capacity) {
    for (Rule rule : engine.rules().rules()) {
      String warning = rule.applies(TargetKind.EXECUTOR, series.name, tracker.jdkOwned)
          ? GrowthCheck.warning(rule, series.name, executor, capacity) : null;
      if (warning != null) {
        AgentLog.warnOnce("growth:" + rule.name() + ":" + series.name, warning);
      }
    }
  }

  @Override
  public void report(Telemetry telemetry) {
    events.setMetrics(new ExecutorMetrics(telemetry.meter("executor"), registry));
    events.setSpans(new ExecutorSpans(telemetry.tracer("executor"), slowWaitNanos));
  }

  @Override
  public String name() {
    return "executors";
  }

  @Override
  public TypeInstrumentation instrumentation() {
    return new CompoundInstrumentation(List.of(new ExecutorInstrumentation(() -> observing),
        new TomcatExecutorInstrumentation(() -> observingTomcat), new JettyThreadPoolInstrumentation(),
        new EnhancedQueueExecutorInstrumentation(), new BoundedElasticInstrumentation(),
        new VertxTaskQueueInstrumentation()));
  }

  /** The JDK's executor; Tomcat's and Jetty's pools wait for Byte Buddy. */
  @Override
  public List<WovenMethod> rewrittenAtLoad() {
    return ExecutorInstrumentation.rewrittenAtLoad();
  }

  /** The JDK's rejection policies: rewritten only for an observed executor, never under {@code -javaagent}. */
  @Override
  public Set<String> unchangedAtLoad() {
    return ExecutorInstrumentation.POLICIES;
  }

  @Override
  public void rewritten(String typeName) {
    if (typeName.equals(ExecutorInstrumentation.EXECUTOR)) {
      ExecutorHooks.executorRewritten = true;
    }
  }

  @Override
  public void start() {
    ExecutorHooks.install(events);
  }

  @Override
  public void loadedUnwoven(Set<String> unwoven) {
    // Loaded as it is while the application's workers may already run, and not rewritten by an
    // earlier agent (since detached) either. When another agent loaded it in its premain, no
    // application worker runs yet: it is rewritten. Never turned off again: the policies may
    // already be woven.
    if (workersMayRun && unwoven.contains(ExecutorInstrumentation.EXECUTOR)
        && !ExecutorHooks.executorRewritten) {
      observing = true;
    }
    if (workersMayRun && unwoven.contains(TomcatExecutorInstrumentation.EXECUTOR)) {
      observingTomcat = true;
    }
  }

  /** Executors whose workers already run: found from those threads, named from them. */
  @Override
  public void discover(Instrumentation inst, Set<String> unwoven) {
    QueueSizes.open(inst); // rules read work queues' sizes without their locks from now on
    forkJoinPools.scan();
    if (!unwoven.contains(ExecutorInstrumentation.EXECUTOR)
        && !unwoven.contains(TomcatExecutorInstrumentation.EXECUTOR)) {
      return; // rewritten as they loaded: no worker can predate the bytecode
    }
    ExistingWorkers.forEach(inst, (executor, thread) -> found(executor, thread.getName()));
  }

  @Override
  public List<TargetStatus> status() {
    List<TargetStatus> rows = new ArrayList<>();
    Map<String, OwnerLimits> owners = new HashMap<>();
    for (ExecutorTracker tracker : registry.live()) {
      Object executor = tracker.executor();
      ExecutorSeries series = tracker.series;
      if (executor == null || series == null) {
        continue;
      }
      if (tracker.ownerLimits != null) {
        owners.putIfAbsent(series.name, tracker.ownerLimits);
      }
      ExecutorView view = tracker.view;
      int max = view.maximumPoolSize(executor);
      Gate gate = tracker.gate;
      rows.add(new TargetStatus("executor", series.name, tracker.type, view.queueSize(executor),
          tracker.queueCapacity(executor), view.activeCount(executor),
          max == Integer.MAX_VALUE ? -1 : max, tracker.rejections.failures(),
          tracker.rejections.total(RejectionReason.SHED), view.completedTaskCount(executor),
          tracker.waits.percentile(0.99), gate == null ? "" : gate.activeRules()));
    }
    if (owners.isEmpty()) {
      return rows;
    }
    // As in the export: a series' rows summed, then its owner's limits replace the sums.
    List<TargetStatus> summed = TargetStatus.summedBySeries(rows);
    summed.replaceAll(row -> {
      OwnerLimits owner = owners.get(row.getName());
      long threads = owner == null ? OwnerLimits.UNKNOWN : owner.threadLimit();
      long queued = owner == null ? OwnerLimits.UNKNOWN : owner.queueCapacity();
      return threads == OwnerLimits.UNKNOWN || queued == OwnerLimits.UNKNOWN ? row
          : row.withLimits(threads == Integer.MAX_VALUE ? -1 : threads, queued);
    });
    return summed;
  }

  @Override
  public void stop() {
    ExecutorHooks.install(ExecutorHooks.NO_OP);
    events.forgetWorkers();
  }

  /** Re-chooses sampling rates, drops stale samples, forgets dead executors. */
  @Override
  public void housekeeping() {
    long now = System.nanoTime();
    long elapsed = now - lastHousekeeping;
    lastHousekeeping = now;
    boolean rotate = now - lastRotation > WINDOW_NANOS;
    lastRotation = rotate ? now : lastRotation;
    forkJoinPools.scan();
    VertxTaskQueues.expungeStale();
    for (ExecutorTracker tracker : registry.all()) {
      if (tracker != ExecutorTracker.IGNORED) {
        sampling.adjust(tracker.sampler, elapsed);
        tracker.pending.sweep(now);
        tracker.traced.sweep(now);
        if (rotate) {
          tracker.waits.rotate();
        }
      }
    }
    registry.live();
  }
}
