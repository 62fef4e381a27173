package dev.spillway.agent.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PoolTimingTest {

  @Test
  void recordsEveryAcquireUpToTheRateThenAPowerOfTwoSample() {
    assertThat(PoolTiming.maskFor(0, 1000)).isZero();
    assertThat(PoolTiming.maskFor(1000, 1000)).isZero();
    assertThat(PoolTiming.maskFor(1001, 1000)).isEqualTo(1);
    assertThat(PoolTiming.maskFor(4000, 1000)).isEqualTo(3);
    assertThat(PoolTiming.maskFor(5_000_000, 1000)).isEqualTo(8191);
    assertThat(PoolTiming.maskFor(1e30, 1)).isEqualTo((1 << 30) - 1);
  }
}
