package dev.spillway.agent.shedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.agent.util.Glob;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

/** The rules of one target on each admission; time is a synthetic clock passed in, as the ticker and workers pass it. */
class GateTest {

  static final long MS = 1_000_000L;

  /** What the rules read, set by the test. */
  static final class FakeSignals extends TargetSignals {
    int size;
    long capacity = -1;
    int pending = -1;

    @Override
    public int queueSize() {
      return size;
    }

    @Override
    public long queueCapacity() {
      return capacity;
    }

    @Override
    public int pending() {
      return pending;
    }
  }

  private final FakeSignals signals = new FakeSignals();
  private final LongAdder[] sheds = {new LongAdder(), new LongAdder(), new LongAdder()};

  private Gate gate(Rule... rules) {
    BoundRule[] bound = new BoundRule[rules.length];
    for (int i = 0; i < rules.length; i++) {
      bound[i] = new BoundRule(rules[i], rules[i].target(), "orders", sheds[i]);
    }
    return new Gate(bound, signals);
  }

  private static Rule rule(String name, Mode mode, Condition... when) {
    return new Rule(name, TargetKind.EXECUTOR, Glob.of("orders"), List.of(when), Action.REJECT, mode);
  }

  private static Threshold size(Threshold.Op op, double limit) {
    return new Threshold(Threshold.Signal.QUEUE_SIZE, op, limit);
  }

  private static WaitCondition waitAbove(long targetMs, long intervalMs) {
    return new WaitCondition(Duration.ofMillis(targetMs), Duration.ofMillis(intervalMs));
  }

  @Test
  void aThresholdRefusesFromItsLimitOnAndCountsEachRefusal() {
    Gate gate = gate(rule("full", Mode.ENFORCE, size(Threshold.Op.GE, 10)));

    signals.size = 9;
    assertThat(gate.admit()).isNull();
    assertThat(gate.activeRules()).isEmpty();
    signals.size = 10;
    BoundRule refusal = gate.admit();

    assertThat(refusal).isNotNull();
    assertThat(refusal.message()).isEqualTo("shed by Spillway rule 'full' (queue.size >= 10) on executor 'orders'");
    assertThat(gate.admit()).isSameAs(refusal);
    assertThat(sheds[0].sum()).isEqualTo(2);
    assertThat(gate.activeRules()).isEqualTo("full");
    assertThat(gate.watchesWait()).isFalse();
  }

  @Test
  void everyConditionOfARuleMustHold() {
    Gate gate = gate(rule("both", Mode.ENFORCE, size(Threshold.Op.GE, 5),
        new Threshold(Threshold.Signal.QUEUE_UTILIZATION, Threshold.Op.GE, 0.9)));
    signals.capacity = 100;

    signals.size = 50;
    assertThat(gate.admit()).as("size holds, utilization does not").isNull();
    signals.size = 90;
    assertThat(gate.admit()).isNotNull();
  }

  @Test
  void utilizationNeverHoldsWithoutACapacity() {
    Gate gate = gate(rule("util", Mode.ENFORCE, new Threshold(Threshold.Signal.QUEUE_UTILIZATION, Threshold.Op.GE, 0)));
    signals.size = 1_000_000;
    signals.capacity = -1;

    assertThat(gate.admit()).isNull();
    assertThat(sheds[0].sum()).isZero();
  }

  @Test
  void rulesAreCheckedInFileOrderAndADryRunIsCountedThenPassedOver() {
    Gate gate = gate(
        rule("watching", Mode.DRY_RUN, size(Threshold.Op.GE, 1)),
        rule("late", Mode.ENFORCE, size(Threshold.Op.GE, 100)),
        rule("early", Mode.ENFORCE, size(Threshold.Op.GE, 5)));

    signals.size = 2;
    assertThat(gate.admit()).as("only the dry run fires").isNull();
    signals.size = 200;
    assertThat(gate.admit().rule().name()).as("the first enforcing rule in file order").isEqualTo("late");

    assertThat(sheds[0].sum()).isEqualTo(2);
    assertThat(sheds[1].sum()).isEqualTo(1);
    assertThat(sheds[2].sum()).isZero();
    assertThat(gate.activeRules()).isEqualTo("watching,late,early");
  }

  @Test
  void aPoolRuleReadsPending() {
    Gate gate = gate(new Rule("waiters", TargetKind.POOL, Glob.of("orders"),
        List.of(new Threshold(Threshold.Signal.PENDING, Threshold.Op.GT, 3)), Action.REJECT, Mode.ENFORCE));

    signals.pending = 3;
    assertThat(gate.admit()).isNull();
    signals.pending = 4;
    assertThat(gate.admit()).isNotNull();
  }

  @Test
  void aWaitRuleShedsOnceWaitsStayAboveTargetForAnIntervalAndStopsWhenDemandFalls() {
    Gate gate = gate(rule("slow", Mode.ENFORCE, waitAbove(5, 100)));
    assertThat(gate.watchesWait()).isTrue();
    signals.size = 10;

    gate.onDequeue(6 * MS, 0);
    gate.countDequeue();
    gate.tick(50 * MS);
    assertThat(gate.admit()).as("above target for half an interval: a burst").isNull();
    gate.onDequeue(7 * MS, 100 * MS);
    gate.countDequeue();
    assertThat(gate.admit()).as("above target for a whole interval").isNotNull();
    assertThat(gate.activeRules()).isEqualTo("slow");

    // Demand falls: the queue empties, nothing is refused for a whole interval.
    signals.size = 0;
    gate.tick(150 * MS);
    assertThat(gate.admit()).as("an empty queue admits, even while shedding").isNull();
    gate.tick(249 * MS);
    assertThat(gate.activeRules()).isEqualTo("slow");
    gate.tick(250 * MS);
    assertThat(gate.activeRules()).isEmpty();
    signals.size = 10;
    assertThat(gate.admit()).isNull();
    assertThat(sheds[0].sum()).isEqualTo(1);
  }

  @Test
  void aWaitRuleShedsAStuckTargetFromTheTickerAlone() {
    Gate gate = gate(rule("stuck", Mode.ENFORCE, waitAbove(5, 100)));
    signals.size = 3;

    gate.tick(0);
    gate.tick(5 * MS);     // nothing left for a whole target: the oldest waited that long
    gate.tick(104 * MS);
    assertThat(gate.admit()).isNull();
    gate.tick(105 * MS);   // and for a whole interval
    assertThat(gate.admit()).isNotNull();
  }

  @Test
  void theTickerRunsAtHalfTheSmallestTargetWithinOneToTwentyMilliseconds() {
    assertThat(gate(rule("a", Mode.ENFORCE, waitAbove(10, 100)), rule("b", Mode.ENFORCE, waitAbove(6, 100)))
        .tickPeriodNanos()).isEqualTo(3 * MS);
    assertThat(gate(rule("c", Mode.ENFORCE, waitAbove(1000, 2000))).tickPeriodNanos()).isEqualTo(20 * MS);
    assertThat(gate(rule("d", Mode.ENFORCE, waitAbove(1, 100))).tickPeriodNanos()).isEqualTo(1 * MS);
  }
}
