package dev.spillway.agent.shedding;

import dev.spillway.agent.AgentLog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One rule applied to one target: its thresholds, its controlled-delay state if it has a
 * {@code wait} condition, the counter of what it shed, and the message a refusal carries, built
 * once here so that refusing allocates nothing but the failure itself.
 */
public final class BoundRule {

  private final Rule rule;
  private final String targetName;
  private final Threshold[] thresholds;
  private final CoDel codel;
  private final LongAdder sheds;
  private final String message;
  private final String conditions;

  BoundRule(Rule rule, TargetKind kind, String targetName, LongAdder sheds) {
    this.rule = rule;
    this.targetName = targetName;
    this.sheds = sheds;
    List<Threshold> list = new ArrayList<>();
    CoDel wait = null;
    for (Condition condition : rule.when()) {
      if (condition instanceof Threshold) {
        list.add((Threshold) condition);
      } else {
        WaitCondition w = (WaitCondition) condition;
        wait = new CoDel(w.target().toNanos(), w.interval().toNanos());
      }
    }
    this.thresholds = list.toArray(new Threshold[0]);
    this.codel = wait;
    StringBuilder text = new StringBuilder();
    for (Condition condition : rule.when()) {
      text.append(text.length() == 0 ? "" : ", ").append(condition);
    }
    this.conditions = text.toString();
    this.message = "shed by Spillway rule '" + rule.name() + "' (" + conditions + ") on " + kind.value() + " '"
        + targetName + "'";
  }

  public Rule rule() {
    return rule;
  }

  public String targetName() {
    return targetName;
  }

  /** The rule's conditions as written in its message, such as {@code pending >= 20}. */
  public String conditions() {
    return conditions;
  }

  /** The message of a refusal: names the rule, its conditions and the target. */
  public String message() {
    return message;
  }

  CoDel codel() {
    return codel;
  }

  /** Whether all conditions hold now. */
  boolean fires(TargetSignals signals) {
    for (Threshold threshold : thresholds) {
      if (!threshold.test(read(threshold.signal(), signals))) {
        return false;
      }
    }
    return codel == null || codel.shouldShed(signals.queueSize());
  }

  /** Whether the rule is shedding on this target now, for {@code spillway.rule.active}. */
  boolean active(TargetSignals signals) {
    for (Threshold threshold : thresholds) {
      if (!threshold.test(read(threshold.signal(), signals))) {
        return false;
      }
    }
    return codel == null || codel.isShedding();
  }

  void countShed() {
    sheds.increment();
  }

  private double read(Threshold.Signal signal, TargetSignals signals) {
    switch (signal) {
      case QUEUE_SIZE:
        return signals.queueSize();
      case QUEUE_UTILIZATION: {
        long capacity = signals.queueCapacity();
        if (capacity <= 0) {
          AgentLog.warnOnce("utilization:" + rule.name() + ":" + targetName, "rule '" + rule.name()
              + "': queue.utilization needs a bounded queue with a capacity, and '" + targetName
              + "' has none; that condition never holds there");
          return Double.NaN;
        }
        return (double) signals.queueSize() / capacity;
      }
      default:
        return signals.pending();
    }
  }
}
