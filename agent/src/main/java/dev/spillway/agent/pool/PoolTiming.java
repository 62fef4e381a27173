package dev.spillway.agent.pool;

/**
 * Chooses, per pool, which acquires feed the {@code wait_time} and {@code use_time} histograms.
 *
 * <p>Recording two histogram points costs more than an uncontended HikariCP borrow and return
 * itself (about 200 ns); a pool serving millions of borrows a second cannot afford it on each.
 * Every acquire is recorded while a pool serves at most {@code perSecond} a second; above that a
 * random one in 2^k, with k re-chosen every second from the rate just seen. Every acquire is still
 * timed (two clock reads): timeouts, slow-acquire spans and {@code wait} rules see them all.
 */
final class PoolTiming {

  private final int perSecond;

  PoolTiming(int perSecond) {
    this.perSecond = perSecond;
  }

  /** Re-chooses the tracker's mask from the acquires sampled over the last {@code elapsedNanos}. */
  void adjust(PoolTracker tracker, long elapsedNanos) {
    if (elapsedNanos <= 0) {
      return;
    }
    int mask = tracker.sampleMask;
    double rate = tracker.sampled.sumThenReset() * (mask + 1.0) * 1e9 / elapsedNanos;
    tracker.sampleMask = maskFor(rate, perSecond);
  }

  /** The smallest {@code 2^k - 1} such that {@code rate / 2^k <= perSecond}. */
  static int maskFor(double rate, int perSecond) {
    if (rate <= perSecond) {
      return 0;
    }
    long ratio = (long) Math.ceil(rate / perSecond);
    if (ratio > 1 << 30) {
      return (1 << 30) - 1;
    }
    long power = Long.highestOneBit(ratio - 1) << 1;
    return (int) power - 1;
  }
}
