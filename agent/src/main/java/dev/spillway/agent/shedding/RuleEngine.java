package dev.spillway.agent.shedding;

import dev.spillway.agent.AgentLog;
import dev.spillway.bootstrap.AgentThreads;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The rules in force and their binding to live targets.
 *
 * <p>A new rule set replaces the old one as a whole. Each family then re-binds its named targets
 * ({@link #gate}); a target gets a {@link Gate} only if some rule matches it. Gates with a
 * {@code wait} rule are ticked by one agent thread, a few times per target wait, so that time
 * passes for controlled delay even when nothing leaves a queue; with no such gate the thread
 * sleeps.
 */
public final class RuleEngine {

  /** Identifies a shed counter: rule, target kind and name, mode. */
  private static final class CounterKey {
    final String rule;
    final TargetKind kind;
    final String target;
    final Mode mode;

    CounterKey(String rule, TargetKind kind, String target, Mode mode) {
      this.rule = rule;
      this.kind = kind;
      this.target = target;
      this.mode = mode;
    }

    @Override
    public boolean equals(Object o) {
      if (!(o instanceof CounterKey)) {
        return false;
      }
      CounterKey k = (CounterKey) o;
      return rule.equals(k.rule) && kind == k.kind && target.equals(k.target) && mode == k.mode;
    }

    @Override
    public int hashCode() {
      return ((rule.hashCode() * 31 + kind.hashCode()) * 31 + target.hashCode()) * 31 + mode.hashCode();
    }
  }

  private volatile RuleSet rules = RuleSet.EMPTY;
  private final List<Runnable> rebinders = new CopyOnWriteArrayList<>();
  private final List<WeakReference<Gate>> gates = new CopyOnWriteArrayList<>();
  private final Map<CounterKey, LongAdder> sheds = new ConcurrentHashMap<>();
  private final LongAdder reloadsOk = new LongAdder();
  private final LongAdder reloadsFailed = new LongAdder();
  private volatile Thread ticker;
  private volatile boolean running = true;

  /** Registers a family's re-binding, run now and after every rule change. */
  public void onRulesChanged(Runnable rebind) {
    rebinders.add(rebind);
    rebind.run();
  }

  public RuleSet rules() {
    return rules;
  }

  /** Puts {@code newRules} in force; an empty set removes all rules. */
  public synchronized void apply(RuleSet newRules) {
    rules = newRules;
    gates.clear();
    for (Runnable rebind : rebinders) {
      try {
        rebind.run();
      } catch (Throwable t) {
        AgentLog.error("re-binding rules failed", t);
      }
    }
    reloadsOk.increment();
  }

  /** Records a refused rule file; the rules in force stay. */
  public void refused(RuleFileException problem) {
    reloadsFailed.increment();
    int count = rules.rules().size();
    AgentLog.warn("rules " + problem.getMessage() + "; keeping the previous " + count
        + (count == 1 ? " rule" : " rules"));
  }

  /**
   * The gate of a target, or null when no rule applies to it. Called by families when a target
   * is named and after each rule change.
   */
  public Gate gate(TargetKind kind, String name, TargetSignals signals) {
    return gate(kind, name, signals, false);
  }

  /** As {@link #gate(TargetKind, String, TargetSignals)}; {@code jdkOwned}: see {@link Rule#applies}. */
  public Gate gate(TargetKind kind, String name, TargetSignals signals, boolean jdkOwned) {
    RuleSet current = rules;
    List<BoundRule> bound = new ArrayList<>();
    for (Rule rule : current.rules()) {
      if (rule.applies(kind, name, jdkOwned)) {
        LongAdder counter = sheds.computeIfAbsent(new CounterKey(rule.name(), kind, name, rule.mode()),
            k -> new LongAdder());
        bound.add(new BoundRule(rule, kind, name, counter));
      }
    }
    if (bound.isEmpty()) {
      return null;
    }
    Gate gate = new Gate(bound.toArray(new BoundRule[0]), signals);
    gates.add(new WeakReference<>(gate));
    if (gate.watchesWait()) {
      startTicker();
    }
    return gate;
  }

  /** Visits every shed count: rule, kind, target, mode, count. */
  public void forEachShed(ShedVisitor visitor) {
    sheds.forEach((key, count) -> visitor.visit(key.rule, key.kind, key.target, key.mode, count.sum()));
  }

  /** A reader of shed counts. */
  public interface ShedVisitor {
    void visit(String rule, TargetKind kind, String target, Mode mode, long count);
  }

  /** Names of the rules shedding (or, in dry-run, that would shed) on some target right now. */
  public Set<String> activeRules() {
    Set<String> active = new HashSet<>();
    for (Gate gate : liveGates()) {
      for (BoundRule rule : gate.rules()) {
        if (!active.contains(rule.rule().name()) && rule.active(gate.signals())) {
          active.add(rule.rule().name());
        }
      }
    }
    return active;
  }

  public long reloads(boolean ok) {
    return ok ? reloadsOk.sum() : reloadsFailed.sum();
  }

  public void stop() {
    running = false;
    Thread thread = ticker;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  private List<Gate> liveGates() {
    List<Gate> live = new ArrayList<>();
    for (WeakReference<Gate> ref : gates) {
      Gate gate = ref.get();
      if (gate == null) {
        gates.remove(ref);
      } else {
        live.add(gate);
      }
    }
    return live;
  }

  private synchronized void startTicker() {
    if (ticker == null) {
      ticker = AgentThreads.newThread(this::tickLoop, "spillway-rules");
      ticker.start();
    } else {
      LockSupport.unpark(ticker);
    }
  }

  private void tickLoop() {
    while (running) {
      long period = Long.MAX_VALUE;
      long now = System.nanoTime();
      for (Gate gate : liveGates()) {
        if (gate.watchesWait()) {
          try {
            gate.tick(now);
          } catch (Throwable t) {
            AgentLog.debug("rule tick failed", t);
          }
          period = Math.min(period, gate.tickPeriodNanos());
        }
      }
      if (period == Long.MAX_VALUE) {
        LockSupport.park(this);
      } else {
        LockSupport.parkNanos(this, period);
      }
    }
  }
}
