package dev.spillway.agent.util;

import java.util.concurrent.BlockingQueue;

/** The capacity of a blocking queue, for executors' work queues and queues alike. */
public final class QueueCapacity {

  /** Marks a capacity not known yet. */
  public static final long UNKNOWN = -2;
  /** Marks an unbounded queue. */
  public static final long UNBOUNDED = -1;

  private QueueCapacity() {}

  /**
   * {@code size() + remainingCapacity()}, which are two reads (both may take the queue's lock:
   * call it at collection, never per operation), so trusted only when the size did not move in
   * between; otherwise {@code lastKnown} stands. {@link #UNBOUNDED} for unbounded queues,
   * including a {@code LinkedBlockingQueue} at its default capacity of {@code Integer.MAX_VALUE}.
   */
  public static long of(BlockingQueue<?> queue, long lastKnown) {
    for (int attempt = 0; attempt < 3; attempt++) {
      int before = queue.size();
      int remaining = queue.remainingCapacity();
      if (remaining == Integer.MAX_VALUE) {
        return UNBOUNDED;
      }
      if (queue.size() == before) {
        long total = (long) before + remaining;
        return total >= Integer.MAX_VALUE ? UNBOUNDED : total;
      }
    }
    return lastKnown;
  }
}
