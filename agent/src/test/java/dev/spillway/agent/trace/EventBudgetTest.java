package dev.spillway.agent.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventBudgetTest {

  @Test
  void allowsSoManyASecondThenNoneUntilTheNextSecond() {
    EventBudget budget = new EventBudget(3);
    assertThat(budget.tryTakeIn(42)).isTrue();
    assertThat(budget.tryTakeIn(42)).isTrue();
    assertThat(budget.tryTakeIn(42)).isTrue();
    assertThat(budget.tryTakeIn(42)).isFalse();
    assertThat(budget.tryTakeIn(43)).isTrue();
  }

  @Test
  void aFloodOfAMillionTakesOnlyTheBudgetInOneSecond() {
    EventBudget budget = new EventBudget(10);
    int taken = 0;
    for (int i = 0; i < 1_000_000; i++) {
      if (budget.tryTakeIn(7)) {
        taken++;
      }
    }
    assertThat(taken).isEqualTo(10);
  }

  @Test
  void theHousekeepersSecondRefillsTheBudget() {
    EventBudget budget = new EventBudget(1);
    boolean first = budget.tryTake();
    assertThat(budget.tryTake()).isFalse();
    EventBudget.nextSecond();
    assertThat(first).isTrue();
    assertThat(budget.tryTake()).isTrue();
    assertThat(budget.tryTake()).isFalse();
  }
}
