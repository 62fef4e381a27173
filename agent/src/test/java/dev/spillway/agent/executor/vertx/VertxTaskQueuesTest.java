package dev.spillway.agent.executor.vertx;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedList;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

class VertxTaskQueuesTest {

  /** The shape of Vert.x's TaskQueue that is read: its {@code tasks} list. */
  static final class TaskQueue {
    final LinkedList<Runnable> tasks = new LinkedList<>();

    TaskQueue waiting(int count) {
      for (int i = 0; i < count; i++) {
        tasks.add(() -> { });
      }
      return this;
    }
  }

  @Test
  void theTasksWaitingInTheQueuesThatFeedAnExecutorAreItsBacklog() {
    Executor pool = Runnable::run;
    Executor other = Runnable::run;
    TaskQueue first = new TaskQueue().waiting(3);
    TaskQueue second = new TaskQueue().waiting(4);
    TaskQueue elsewhere = new TaskQueue().waiting(5);
    VertxTaskQueues.fed(first, pool);
    VertxTaskQueues.fed(second, pool);
    VertxTaskQueues.fed(elsewhere, other);

    assertThat(VertxTaskQueues.backlog(pool)).isEqualTo(7);
    assertThat(VertxTaskQueues.backlog(other)).isEqualTo(5);
    assertThat(VertxTaskQueues.backlog(new Object())).isZero();

    // A queue that feeds another executor from now on counts there.
    VertxTaskQueues.fed(second, other);
    assertThat(VertxTaskQueues.backlog(pool)).isEqualTo(3);
    assertThat(VertxTaskQueues.backlog(other)).isEqualTo(9);

    second.tasks.clear();
    assertThat(VertxTaskQueues.backlog(other)).isEqualTo(5);
  }

  @Test
  void anObjectWithoutTheTaskListCountsNothing() {
    Executor pool = Runnable::run;
    VertxTaskQueues.fed(new Object(), pool);
    assertThat(VertxTaskQueues.backlog(pool)).isZero();
  }
}
