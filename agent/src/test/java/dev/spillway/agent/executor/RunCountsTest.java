package dev.spillway.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RunCountsTest {

  @Test
  void activeIsStartedLessEndedAndCompletedIsEnded() {
    RunCounts runs = new RunCounts();
    runs.started();
    runs.started();
    runs.started();
    runs.ended();
    assertThat(runs.active()).isEqualTo(2);
    assertThat(runs.completed()).isEqualTo(1);
  }

  @Test
  void aRunThatEndsWithoutAStartSeenNeverMakesActiveNegative() {
    // A task running when the agent attached ends in old bytecode: no end is counted, but a
    // torn read (ended read after a start and its end) must not report less than zero either.
    RunCounts runs = new RunCounts();
    runs.ended();
    assertThat(runs.active()).isZero();
    assertThat(runs.completed()).isEqualTo(1);
  }
}
