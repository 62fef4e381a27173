package dev.spillway.agent.trace;

import java.util.concurrent.atomic.AtomicLong;

/**
 * At most so many span events a second, for one executor or pool: a flood of rejections or sheds
 * must not become a flood of span data (the counters count every one anyway). Lock-free; the
 * second and the count of events in it share one atomic word.
 */
public final class EventBudget {

  /** The budget of one executor or pool: events a second. */
  public static final int PER_TARGET = 10;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final int COUNT_BITS = 20;
  private static final long COUNT_MASK = (1L << COUNT_BITS) - 1;

  private final int perSecond;
  private final AtomicLong state = new AtomicLong();

  public EventBudget(int perSecond) {
    this.perSecond = perSecond;
  }

  /** Whether one more event fits in the second of {@code nowNanos} (a {@link System#nanoTime}). */
  public boolean tryTake(long nowNanos) {
    long second = Math.floorDiv(nowNanos, NANOS_PER_SECOND);
    while (true) {
      long current = state.get();
      long used = (current >>> COUNT_BITS) == (second & (Long.MAX_VALUE >>> COUNT_BITS)) ? current & COUNT_MASK : 0;
      if (used >= perSecond) {
        return false;
      }
      long next = ((second & (Long.MAX_VALUE >>> COUNT_BITS)) << COUNT_BITS) | (used + 1);
      if (state.compareAndSet(current, next)) {
        return true;
      }
    }
  }
}
