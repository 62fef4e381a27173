package dev.spillway.agent.timing;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decides, for one executor or queue, whether to time the item now passing. Items pass when
 * {@code random & mask == 0}: mask 0 times every item, {@link #OFF} none; {@link TaskSampling}
 * re-chooses the mask every second from how many passed.
 */
public final class Sampler {

  /** The mask that times nothing. */
  public static final int OFF = -1;

  volatile int mask;
  /** Items that passed the mask since the last adjustment, to estimate the rate. */
  final LongAdder sampled = new LongAdder();

  public Sampler(int mask) {
    this.mask = mask;
  }

  /** Whether to time the item now passing. Cheap: a volatile read and, above the threshold, a random number. */
  public boolean sample() {
    int m = mask;
    if (m < 0 || (m != 0 && (ThreadLocalRandom.current().nextInt() & m) != 0)) {
      return false;
    }
    sampled.increment();
    return true;
  }

  public int mask() {
    return mask;
  }

  /** Forces a mask (0: time everything), for targets whose rules need every wait. */
  public void setMask(int mask) {
    this.mask = mask;
  }
}
