package dev.spillway.agent.executor;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/** Rejection counts by reason and policy; a counter exists once that pair has happened. */
final class Rejections {

  private static final int POLICIES = RejectionPolicy.values().length;

  private final AtomicReferenceArray<LongAdder> counts =
      new AtomicReferenceArray<>(RejectionReason.values().length * POLICIES);

  static int index(RejectionReason reason, RejectionPolicy policy) {
    return reason.ordinal() * POLICIES + policy.ordinal();
  }

  void increment(RejectionReason reason, RejectionPolicy policy) {
    counter(index(reason, policy)).increment();
  }

  /** The count for a pair, 0 if it never happened. */
  long get(RejectionReason reason, RejectionPolicy policy) {
    LongAdder count = counts.get(index(reason, policy));
    return count == null ? 0 : count.sum();
  }

  /** All rejections, or those of one reason. */
  long total(RejectionReason only) {
    long sum = 0;
    for (RejectionReason reason : RejectionReason.values()) {
      if (only == null || reason == only) {
        for (RejectionPolicy policy : RejectionPolicy.values()) {
          sum += get(reason, policy);
        }
      }
    }
    return sum;
  }

  /**
   * Rejections an operator must act on: all but those of an executor whose handler discards by
   * design ({@code discard}, {@code discard_oldest}), whose owner chose to drop tasks when full.
   * Sheds always count: a rule refused them.
   */
  long failures() {
    long sum = 0;
    for (RejectionReason reason : RejectionReason.values()) {
      for (RejectionPolicy policy : RejectionPolicy.values()) {
        boolean discard = policy == RejectionPolicy.DISCARD || policy == RejectionPolicy.DISCARD_OLDEST;
        if (reason == RejectionReason.SHED || !discard) {
          sum += get(reason, policy);
        }
      }
    }
    return sum;
  }

  boolean any() {
    for (int i = 0; i < counts.length(); i++) {
      if (counts.get(i) != null) {
        return true;
      }
    }
    return false;
  }

  void addTo(Rejections other) {
    for (RejectionReason reason : RejectionReason.values()) {
      for (RejectionPolicy policy : RejectionPolicy.values()) {
        long n = get(reason, policy);
        if (n > 0) {
          other.counter(index(reason, policy)).add(n);
        }
      }
    }
  }

  private LongAdder counter(int index) {
    LongAdder count = counts.get(index);
    if (count == null) {
      counts.compareAndSet(index, null, new LongAdder());
      count = counts.get(index);
    }
    return count;
  }
}
