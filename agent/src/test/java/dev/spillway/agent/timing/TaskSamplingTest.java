package dev.spillway.agent.timing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.agent.config.Settings.TimingMode;
import org.junit.jupiter.api.Test;

class TaskSamplingTest {

  private static final long ONE_SECOND = 1_000_000_000L;
  private static final int CAP = (1 << 30) - 1;

  @Test
  void rateWithinBudgetTimesEveryTask() {
    assertThat(TaskSampling.maskFor(0, 1000)).isZero();
    assertThat(TaskSampling.maskFor(999.9, 1000)).isZero();
    assertThat(TaskSampling.maskFor(1000, 1000)).isZero();
  }

  @Test
  void rateJustAboveBudgetTimesEveryOtherTask() {
    assertThat(TaskSampling.maskFor(1000.5, 1000)).isEqualTo(1);
    assertThat(TaskSampling.maskFor(2000, 1000)).isEqualTo(1);
  }

  @Test
  void maskIsTheSmallestPowerOfTwoThatFitsTheBudget() {
    assertThat(TaskSampling.maskFor(2001, 1000)).isEqualTo(3);
    assertThat(TaskSampling.maskFor(3000, 1000)).isEqualTo(3);
    assertThat(TaskSampling.maskFor(4000, 1000)).isEqualTo(3);
    assertThat(TaskSampling.maskFor(4001, 1000)).isEqualTo(7);
    assertThat(TaskSampling.maskFor(1_000_000, 1000)).isEqualTo(1023);
    assertThat(TaskSampling.maskFor(1_024_000, 1000)).isEqualTo(1023);
    assertThat(TaskSampling.maskFor(1_024_001, 1000)).isEqualTo(2047);
  }

  @Test
  void hugeRatesAreCappedNotTurnedOff() {
    assertThat(TaskSampling.maskFor((double) (1L << 31), 1)).isEqualTo(CAP);
    assertThat(TaskSampling.maskFor(1e12, 1)).isEqualTo(CAP);
    assertThat(TaskSampling.maskFor(1e19, 1)).isEqualTo(CAP);
    assertThat(TaskSampling.maskFor(Double.MAX_VALUE, 1)).isEqualTo(CAP);
    assertThat(TaskSampling.maskFor(Double.POSITIVE_INFINITY, 1000)).isEqualTo(CAP);
  }

  @Test
  void adjustChoosesTheMaskFromTheSampledRate() {
    TaskSampling sampling = new TaskSampling(TimingMode.ADAPTIVE, 1000);
    Sampler tracker = sampling.newSampler();

    tracker.sampled.add(3000);
    sampling.adjust(tracker, ONE_SECOND);

    assertThat(tracker.mask()).isEqualTo(3);
    assertThat(tracker.sampled.sum()).as("counter reset").isZero();
  }

  @Test
  void adjustScalesSampledCountsByTheCurrentMask() {
    TaskSampling sampling = new TaskSampling(TimingMode.ADAPTIVE, 1000);
    Sampler tracker = new Sampler(3);

    // 1500 passed a 1-in-4 mask over two seconds: about 3000 tasks a second.
    tracker.sampled.add(1500);
    sampling.adjust(tracker, 2 * ONE_SECOND);
    assertThat(tracker.mask()).isEqualTo(3);

    // 200 passed a 1-in-4 mask in a second: 800 tasks a second, within budget.
    tracker.sampled.add(200);
    sampling.adjust(tracker, ONE_SECOND);
    assertThat(tracker.mask()).isZero();
  }

  @Test
  void adjustLeavesOtherModesAlone() {
    TaskSampling all = new TaskSampling(TimingMode.ALL, 1000);
    TaskSampling off = new TaskSampling(TimingMode.OFF, 1000);
    Sampler timed = all.newSampler();
    Sampler untimed = off.newSampler();
    timed.sampled.add(1_000_000);
    untimed.sampled.add(1_000_000);

    all.adjust(timed, ONE_SECOND);
    off.adjust(untimed, ONE_SECOND);

    assertThat(timed.mask()).isZero();
    assertThat(untimed.mask()).isEqualTo(Sampler.OFF);
  }

  @Test
  void adjustIgnoresANonPositiveInterval() {
    TaskSampling sampling = new TaskSampling(TimingMode.ADAPTIVE, 1000);
    Sampler tracker = new Sampler(0);
    tracker.sampled.add(1_000_000);

    sampling.adjust(tracker, 0);

    assertThat(tracker.mask()).isZero();
    assertThat(tracker.sampled.sum()).isEqualTo(1_000_000);
  }

  @Test
  void offTimesNothingAndZeroMaskTimesEverything() {
    Sampler off = new Sampler(Sampler.OFF);
    Sampler every = new Sampler(0);

    for (int i = 0; i < 100; i++) {
      assertThat(off.sample()).isFalse();
      assertThat(every.sample()).isTrue();
    }
    assertThat(off.sampled.sum()).isZero();
    assertThat(every.sampled.sum()).isEqualTo(100);
  }
}
