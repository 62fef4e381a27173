package dev.spillway.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RunCountsTest {

  private final Object pool = new Object();

  @Test
  void activeIsStartedLessEndedAndCompletedIsEnded() {
    RunCounts runs = new RunCounts();
    RunCounts.Cell cell = runs.newCell(pool);
    cell.started();
    cell.started();
    cell.started();
    cell.ended();
    assertThat(runs.active()).isEqualTo(2);
    assertThat(runs.completed()).isEqualTo(1);
    assertThat(cell.counts(pool)).isTrue();
    assertThat(cell.counts(new Object())).isFalse();
  }

  @Test
  void anEndWithoutItsStartNeverMakesActiveNegative() {
    RunCounts runs = new RunCounts();
    runs.newCell(pool).ended();
    assertThat(runs.active()).isZero();
    assertThat(runs.completed()).isEqualTo(1);
  }

  @Test
  void theCountsOfAThreadThatEndedStayInCompleted() throws Exception {
    RunCounts runs = new RunCounts();
    AtomicReference<RunCounts.Cell> made = new AtomicReference<>();
    Thread worker = new Thread(() -> {
      RunCounts.Cell cell = runs.newCell(pool);
      made.set(cell);
      for (int i = 0; i < 5; i++) {
        cell.started();
        cell.ended();
      }
    });
    worker.start();
    worker.join();
    RunCounts.Cell other = runs.newCell(pool);
    other.started();
    assertThat(runs.completed()).isEqualTo(5);
    assertThat(runs.completed()).as("folded once, not twice").isEqualTo(5);
    assertThat(runs.active()).isEqualTo(1);
  }
}
