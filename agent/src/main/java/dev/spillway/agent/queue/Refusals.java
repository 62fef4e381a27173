package dev.spillway.agent.queue;

import dev.spillway.bootstrap.QueueHooks;
import java.util.concurrent.atomic.AtomicLongArray;

/** Refused inserts of a queue, by operation and reason. Written only when an insert is refused. */
final class Refusals {

  /** {@code jvm.queue.operation} values, indexed like {@link QueueHooks#OFFER}... */
  static final String[] OPERATIONS = {"offer", "offer_timed", "add"};
  static final int ADD = 2;
  /**
   * {@code jvm.queue.rejection.reason} values. {@code handoff}: a plain {@code offer} to a
   * {@code SynchronousQueue} that found no taker waiting, which is how a hand-off says "nobody is
   * free, do it another way" (HikariCP's ConcurrentBag, a cached thread pool): expected, not a
   * failure, and left out of what {@code status} shows as rejected.
   */
  static final String[] REASONS = {"full", "shed", "handoff"};
  static final int FULL = 0;
  static final int SHED = 1;
  static final int HANDOFF = 2;
  static final int SIZE = OPERATIONS.length * REASONS.length;

  private final AtomicLongArray counts = new AtomicLongArray(SIZE);

  static int index(int operation, int reason) {
    return operation * REASONS.length + reason;
  }

  void increment(int operation, int reason) {
    counts.incrementAndGet(index(operation, reason));
  }

  /**
   * Moves one refusal from plain {@code offer} to {@code add}: add is offer and a throw. An add
   * that throws is a failure its caller sees, never an expected hand-off.
   */
  void relabelAsAdd(int reason) {
    counts.decrementAndGet(index(QueueHooks.OFFER, reason));
    counts.incrementAndGet(index(ADD, reason == HANDOFF ? FULL : reason));
  }

  long get(int index) {
    return counts.get(index);
  }

  /** All refusals, or those of one reason when {@code reason >= 0}. */
  long total(int reason) {
    long sum = 0;
    for (int operation = 0; operation < OPERATIONS.length; operation++) {
      for (int r = 0; r < REASONS.length; r++) {
        if (reason < 0 || r == reason) {
          sum += counts.get(index(operation, r));
        }
      }
    }
    return sum;
  }

  boolean isEmpty() {
    for (int i = 0; i < SIZE; i++) {
      if (counts.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  /** Refusals an operator must act on: all but the expected hand-offs. */
  long failures() {
    return total(-1) - total(HANDOFF);
  }

  void addTo(Refusals other) {
    for (int i = 0; i < SIZE; i++) {
      long n = counts.get(i);
      if (n != 0) {
        other.counts.addAndGet(i, n);
      }
    }
  }
}
