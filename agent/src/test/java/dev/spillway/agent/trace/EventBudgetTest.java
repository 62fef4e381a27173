package dev.spillway.agent.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventBudgetTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void allowsSoManyASecondThenNoneUntilTheNextSecond() {
    EventBudget budget = new EventBudget(3);
    long start = 42 * SECOND + 5;
    assertThat(budget.tryTake(start)).isTrue();
    assertThat(budget.tryTake(start + 1)).isTrue();
    assertThat(budget.tryTake(start + 2)).isTrue();
    assertThat(budget.tryTake(start + 3)).isFalse();
    assertThat(budget.tryTake(start + SECOND / 2)).isFalse();
    assertThat(budget.tryTake(43 * SECOND)).isTrue();
  }

  @Test
  void aFloodOfAMillionTakesOnlyTheBudgetInOneSecond() {
    EventBudget budget = new EventBudget(10);
    int taken = 0;
    for (int i = 0; i < 1_000_000; i++) {
      if (budget.tryTake(7 * SECOND + i)) {
        taken++;
      }
    }
    assertThat(taken).isEqualTo(10);
  }

  @Test
  void worksWithNegativeClockReadings() {
    // System.nanoTime may be negative.
    EventBudget budget = new EventBudget(1);
    assertThat(budget.tryTake(-5 * SECOND)).isTrue();
    assertThat(budget.tryTake(-5 * SECOND + 10)).isFalse();
    assertThat(budget.tryTake(-4 * SECOND)).isTrue();
  }
}
