package dev.spillway.agent.trace;

import java.util.concurrent.atomic.AtomicLong;

/**
 * At most so many span events a second, for one executor or pool: a flood of rejections or sheds
 * must not become a flood of span data (the counters count every one anyway). Lock-free; the
 * second and the count of events in it share one atomic word.
 */
public final class EventBudget {

  private static final int COUNT_BITS = 20;
  private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;
  private static final long SECOND_MASK = Long.MAX_VALUE >>> COUNT_BITS;

  /**
   * The current second as the agent's housekeeper counts it ({@link #nextSecond}): a rejection
   * reads this field instead of the clock (26-40 ns, more than the rest of a rejection). A stalled
   * housekeeper only makes the budget smaller.
   */
  private static volatile long second;

  private final int perSecond;
  private final AtomicLong state = new AtomicLong();

  public EventBudget(int perSecond) {
    this.perSecond = perSecond;
  }

  /** Starts the next second; called once a second by one agent thread. */
  public static void nextSecond() {
    second = second + 1;
  }

  /** Whether one more event fits in the current second. */
  public boolean tryTake() {
    return tryTakeIn(second);
  }

  /** Whether one more event fits in {@code second}. */
  boolean tryTakeIn(long second) {
    long stamp = second & SECOND_MASK;
    while (true) {
      long current = state.get();
      long used = (current >>> COUNT_BITS) == stamp ? current & COUNT_MASK : 0;
      if (used >= perSecond) {
        return false;
      }
      if (state.compareAndSet(current, (stamp << COUNT_BITS) | (used + 1))) {
        return true;
      }
    }
  }
}
