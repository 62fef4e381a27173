package dev.spillway.agent.timing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.agent.testing.Gc;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PendingTasksTest {

  /** Equal to every other Task: lookups must go by identity. */
  private static final class Task implements Runnable {
    @Override
    public void run() {}

    @Override
    public boolean equals(Object other) {
      return other instanceof Task;
    }

    @Override
    public int hashCode() {
      return 1;
    }
  }

  @Test
  void takeReturnsTheSubmitTimeOnceByIdentity() {
    PendingTasks pending = new PendingTasks();
    Task first = new Task();
    Task second = new Task();
    pending.add(first, 100);
    pending.add(second, 200);

    assertThat(pending.take(second)).isEqualTo(200);
    assertThat(pending.take(second)).isEqualTo(-1);
    assertThat(pending.take(first)).isEqualTo(100);
    assertThat(pending.size()).isZero();
  }

  @Test
  void takeOfAnUnknownTaskIsMinusOne() {
    PendingTasks pending = new PendingTasks();
    Task known = new Task();

    assertThat(pending.take(new Task())).isEqualTo(-1);
    pending.add(known, 5);
    assertThat(pending.take(new Task())).isEqualTo(-1);
    assertThat(pending.size()).isEqualTo(1);
  }

  @Test
  void addFailsOnceEverySlotIsTaken() {
    PendingTasks pending = new PendingTasks();
    List<Task> tasks = new ArrayList<>();
    for (int i = 0; i < PendingTasks.CAPACITY; i++) {
      Task task = new Task();
      tasks.add(task);
      assertThat(pending.add(task, i)).as("add #%d", i).isTrue();
    }
    Task extra = new Task();

    assertThat(pending.add(extra, 99)).isFalse();
    assertThat(pending.size()).isEqualTo(PendingTasks.CAPACITY);
    assertThat(pending.take(extra)).isEqualTo(-1);

    assertThat(pending.take(tasks.get(7))).isEqualTo(7);
    assertThat(pending.add(extra, 99)).isTrue();
    assertThat(pending.take(extra)).isEqualTo(99);
  }

  @Test
  void collectedTasksFreeTheirSlots() {
    PendingTasks pending = new PendingTasks();
    fillWithUnreachableTasks(pending, 1_000);
    assertThat(pending.add(new Task(), 1_000)).isFalse();

    Gc.until(() -> {
      pending.sweep(1_000);
      return pending.size() == 0;
    }, "every slot of a collected task freed by sweep");

    Task next = new Task();
    assertThat(pending.add(next, 2_000)).isTrue();
    assertThat(pending.take(next)).isEqualTo(2_000);
  }

  @Test
  void takeAlsoFreesSlotsOfCollectedTasks() {
    PendingTasks pending = new PendingTasks();
    fillWithUnreachableTasks(pending, 1_000);

    Gc.until(() -> {
      pending.take(new Task());
      return pending.size() == 0;
    }, "every slot of a collected task freed by take");
  }

  @Test
  void sweepDropsOnlySamplesOlderThanTheLimit() {
    PendingTasks pending = new PendingTasks();
    Task old = new Task();
    Task young = new Task();
    long start = 5_000;
    pending.add(old, start);
    pending.add(young, start + 1);

    pending.sweep(start + PendingTasks.MAX_AGE_NANOS);
    assertThat(pending.size()).as("nothing is older than the limit yet").isEqualTo(2);

    pending.sweep(start + PendingTasks.MAX_AGE_NANOS + 1);
    assertThat(pending.size()).isEqualTo(1);
    assertThat(pending.take(old)).isEqualTo(-1);
    assertThat(pending.take(young)).isEqualTo(start + 1);
  }

  @Test
  void sweepCopesWithNanoTimeWrapAround() {
    PendingTasks pending = new PendingTasks();
    Task task = new Task();
    pending.add(task, Long.MAX_VALUE - 10);

    pending.sweep(Long.MIN_VALUE + 10);

    assertThat(pending.take(task)).isEqualTo(Long.MAX_VALUE - 10);
  }

  private static void fillWithUnreachableTasks(PendingTasks pending, long submittedAt) {
    for (int i = 0; i < PendingTasks.CAPACITY; i++) {
      assertThat(pending.add(new Task(), submittedAt)).isTrue();
    }
  }
}
