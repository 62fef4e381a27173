package dev.spillway.agent.shedding;

/**
 * The rules that apply to one target, checked in file order on each admission. A target no rule
 * matches has no gate at all (a null field), so rules that match nothing cost nothing.
 */
public final class Gate {

  private final BoundRule[] rules;
  private final CoDel[] waits;
  private final TargetSignals signals;
  /** Tasks taken from a target with a wait rule; plain writes: only its changes are read. */
  private long dequeues;

  Gate(BoundRule[] rules, TargetSignals signals) {
    this.rules = rules;
    this.signals = signals;
    int count = 0;
    for (BoundRule rule : rules) {
      count += rule.codel() == null ? 0 : 1;
    }
    this.waits = new CoDel[count];
    int i = 0;
    for (BoundRule rule : rules) {
      if (rule.codel() != null) {
        waits[i++] = rule.codel();
      }
    }
  }

  /**
   * The enforcing rule that refuses this admission, or null to admit it. Dry-run rules that fire
   * are counted and passed over.
   */
  public BoundRule admit() {
    for (BoundRule rule : rules) {
      if (rule.fires(signals)) {
        rule.countShed();
        if (rule.rule().mode() == Mode.ENFORCE) {
          return rule;
        }
      }
    }
    return null;
  }

  /** Whether any rule of this gate reads waits: then the target reports its dequeues. */
  public boolean watchesWait() {
    return waits.length > 0;
  }

  /** A task left the target's queue after waiting {@code sojournNanos} (a sampled task). */
  public void onDequeue(long sojournNanos, long now) {
    for (CoDel wait : waits) {
      wait.onDequeue(sojournNanos, now);
    }
  }

  /** Any task left the target's queue. */
  public void countDequeue() {
    dequeues++;
  }

  /** How often to tick: half the smallest target wait, between 1 ms and 20 ms. */
  long tickPeriodNanos() {
    long period = 20_000_000L;
    for (CoDel wait : waits) {
      period = Math.min(period, wait.targetNanos() / 2);
    }
    return Math.max(1_000_000L, period);
  }

  void tick(long now) {
    int size = signals.queueSize();
    for (CoDel wait : waits) {
      wait.tick(now, size, dequeues);
    }
  }

  /** Names of the rules shedding on this target now, comma-separated (empty if none). */
  public String activeRules() {
    StringBuilder names = new StringBuilder();
    for (BoundRule rule : rules) {
      if (rule.active(signals)) {
        names.append(names.length() == 0 ? "" : ",").append(rule.rule().name());
      }
    }
    return names.toString();
  }

  BoundRule[] rules() {
    return rules;
  }

  TargetSignals signals() {
    return signals;
  }
}
