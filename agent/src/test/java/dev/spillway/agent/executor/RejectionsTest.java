package dev.spillway.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RejectionsTest {

  @Test
  void countsEachReasonAndPolicyPairApart() {
    Rejections rejections = new Rejections();

    rejections.increment(RejectionReason.SATURATED, RejectionPolicy.ABORT);
    rejections.increment(RejectionReason.SATURATED, RejectionPolicy.ABORT);
    rejections.increment(RejectionReason.SHUTDOWN, RejectionPolicy.ABORT);
    rejections.increment(RejectionReason.SATURATED, RejectionPolicy.CALLER_RUNS);

    assertThat(rejections.get(RejectionReason.SATURATED, RejectionPolicy.ABORT)).isEqualTo(2);
    assertThat(rejections.get(RejectionReason.SHUTDOWN, RejectionPolicy.ABORT)).isEqualTo(1);
    assertThat(rejections.get(RejectionReason.SATURATED, RejectionPolicy.CALLER_RUNS)).isEqualTo(1);
    assertThat(rejections.get(RejectionReason.SHUTDOWN, RejectionPolicy.CALLER_RUNS)).isZero();
    assertThat(rejections.get(RejectionReason.SATURATED, RejectionPolicy.CUSTOM)).isZero();
  }

  @Test
  void anyIsFalseUntilTheFirstRejection() {
    Rejections rejections = new Rejections();
    assertThat(rejections.any()).isFalse();

    rejections.increment(RejectionReason.SHUTDOWN, RejectionPolicy.DISCARD_OLDEST);

    assertThat(rejections.any()).isTrue();
  }

  @Test
  void everyPairHasItsOwnIndex() {
    java.util.Set<Integer> indexes = new java.util.HashSet<>();
    for (RejectionReason reason : RejectionReason.values()) {
      for (RejectionPolicy policy : RejectionPolicy.values()) {
        indexes.add(Rejections.index(reason, policy));
      }
    }

    assertThat(indexes).hasSize(RejectionReason.values().length * RejectionPolicy.values().length)
        .allSatisfy(i -> assertThat(i).isBetween(0, indexes.size() - 1));
  }

  @Test
  void addToAddsCountsIntoAnother() {
    Rejections from = new Rejections();
    Rejections into = new Rejections();
    from.increment(RejectionReason.SATURATED, RejectionPolicy.DISCARD);
    from.increment(RejectionReason.SATURATED, RejectionPolicy.DISCARD);
    into.increment(RejectionReason.SATURATED, RejectionPolicy.DISCARD);

    from.addTo(into);

    assertThat(into.get(RejectionReason.SATURATED, RejectionPolicy.DISCARD)).isEqualTo(3);
    assertThat(from.get(RejectionReason.SATURATED, RejectionPolicy.DISCARD)).isEqualTo(2);
    assertThat(into.get(RejectionReason.SHUTDOWN, RejectionPolicy.DISCARD)).isZero();
  }

  @Test
  void addToOfNothingCreatesNoCounter() {
    Rejections into = new Rejections();

    new Rejections().addTo(into);

    assertThat(into.any()).isFalse();
  }

  @Test
  void failuresLeaveOutDiscardsByDesignButNotSheds() {
    Rejections rejections = new Rejections();
    rejections.increment(RejectionReason.SATURATED, RejectionPolicy.DISCARD);
    rejections.increment(RejectionReason.SATURATED, RejectionPolicy.DISCARD_OLDEST);
    rejections.increment(RejectionReason.SATURATED, RejectionPolicy.ABORT);
    rejections.increment(RejectionReason.SATURATED, RejectionPolicy.CUSTOM);
    rejections.increment(RejectionReason.SHED, RejectionPolicy.DISCARD);
    assertThat(rejections.failures()).isEqualTo(3);
    assertThat(rejections.total(null)).isEqualTo(5);
  }
}
