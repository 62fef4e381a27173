package dev.spillway.agent.timing;

import dev.spillway.agent.config.Settings.TimingMode;

/**
 * Chooses, per executor or queue, which items are timed.
 *
 * <p>Timing a task costs three clock reads and two histogram records (measured: about 0.5 µs a
 * task on two cores); an executor running a million tiny tasks a second cannot afford that on
 * every one. In adaptive mode every task is timed while an executor runs at most {@code perSecond}
 * tasks a second; above that, a random one in 2^k, with k re-chosen every second from the rate
 * just seen, so the timed tasks stay near {@code perSecond}. The rate is estimated from the tasks
 * that passed the mask, so the task path counts nothing else.
 */
public final class TaskSampling {

  private final TimingMode mode;
  private final int perSecond;

  public TaskSampling(TimingMode mode, int perSecond) {
    this.mode = mode;
    this.perSecond = perSecond;
  }

  /** A sampler in this mode's starting state. */
  public Sampler newSampler() {
    return new Sampler(mode == TimingMode.OFF ? Sampler.OFF : 0);
  }

  /** Re-chooses the sampler's mask from the items sampled over the last {@code elapsedNanos}. */
  public void adjust(Sampler sampler, long elapsedNanos) {
    if (mode != TimingMode.ADAPTIVE || elapsedNanos <= 0) {
      return;
    }
    int mask = sampler.mask;
    double rate = sampler.sampled.sumThenReset() * (mask + 1.0) * 1e9 / elapsedNanos;
    sampler.mask = maskFor(rate, perSecond);
  }

  /** The smallest {@code 2^k - 1} such that {@code rate / 2^k <= perSecond}. */
  static int maskFor(double rate, int perSecond) {
    if (rate <= perSecond) {
      return 0;
    }
    long ratio = (long) Math.ceil(rate / perSecond);
    if (ratio > 1 << 30) {
      // Also keeps the shift below from overflowing to a negative power (timing everything off).
      return (1 << 30) - 1;
    }
    long power = Long.highestOneBit(ratio - 1) << 1;
    return (int) power - 1;
  }
}
