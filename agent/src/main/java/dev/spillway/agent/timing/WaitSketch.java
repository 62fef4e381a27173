package dev.spillway.agent.timing;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Recent waits of one target, for the command line's p99: counts in power-of-two buckets of
 * nanoseconds (so a percentile is an upper bound within a factor of two), over the last one to two
 * windows. Recording is two array increments; only timed (sampled) waits are recorded.
 */
public final class WaitSketch {

  /** How long a window lasts: the p99 covers the last 30 to 60 seconds. */
  public static final long WINDOW_NANOS = 30_000_000_000L;

  private static final int BUCKETS = 64;

  private volatile AtomicLongArray current = new AtomicLongArray(BUCKETS);
  private volatile AtomicLongArray previous = new AtomicLongArray(BUCKETS);

  public void record(long nanos) {
    current.incrementAndGet(bucket(nanos));
  }

  /** Starts a new window; the one before is forgotten. Called periodically, by one thread. */
  public void rotate() {
    previous = current;
    current = new AtomicLongArray(BUCKETS);
  }

  /** The {@code quantile} (0 to 1) of the waits of the last windows in nanoseconds, or -1 when none. */
  public long percentile(double quantile) {
    AtomicLongArray now = current;
    AtomicLongArray before = previous;
    long total = 0;
    long[] counts = new long[BUCKETS];
    for (int i = 0; i < BUCKETS; i++) {
      counts[i] = now.get(i) + before.get(i);
      total += counts[i];
    }
    if (total == 0) {
      return -1;
    }
    long rank = (long) Math.ceil(quantile * total);
    long seen = 0;
    for (int i = 0; i < BUCKETS; i++) {
      seen += counts[i];
      if (seen >= Math.max(1, rank)) {
        return i == 0 ? 0 : 1L << i;
      }
    }
    return Long.MAX_VALUE;
  }

  /** Bucket i holds waits below 2^i ns (bucket 0: none at all). */
  static int bucket(long nanos) {
    return nanos <= 0 ? 0 : Math.min(BUCKETS - 1, 64 - Long.numberOfLeadingZeros(nanos));
  }
}
