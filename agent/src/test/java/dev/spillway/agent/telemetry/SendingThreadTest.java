package dev.spillway.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.agent.testing.Conditions;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SendingThreadTest {

  @Test
  void runsTasksInOrderOnOneNamedAgentThread() throws Exception {
    SendingThread sender = new SendingThread("test-sender", 60, TimeUnit.SECONDS);
    List<Integer> order = new CopyOnWriteArrayList<>();
    Set<String> threads = ConcurrentHashMap.newKeySet();
    CountDownLatch done = new CountDownLatch(100);
    for (int i = 0; i < 100; i++) {
      int n = i;
      sender.execute(() -> {
        order.add(n);
        threads.add(Thread.currentThread().getName() + (Thread.currentThread().isDaemon() ? " daemon" : ""));
        done.countDown();
      });
    }
    assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(order).hasSize(100).isSorted();
    assertThat(threads).containsExactly("test-sender daemon");
    sender.shutdown();
  }

  @Test
  void theThreadEndsWhenIdleAndAnotherStartsForTheNextTask() throws Exception {
    SendingThread sender = new SendingThread("test-sender", 50, TimeUnit.MILLISECONDS);
    CountDownLatch first = new CountDownLatch(1);
    sender.execute(first::countDown);
    assertThat(first.await(10, TimeUnit.SECONDS)).isTrue();
    Conditions.await(() -> !sender.isRunning(), "thread ended when idle");

    CountDownLatch second = new CountDownLatch(1);
    sender.execute(second::countDown);
    assertThat(second.await(10, TimeUnit.SECONDS)).isTrue();
    sender.shutdown();
  }

  @Test
  void aFailingTaskDoesNotStopTheOnesAfterIt() throws Exception {
    SendingThread sender = new SendingThread("test-sender", 60, TimeUnit.SECONDS);
    CountDownLatch after = new CountDownLatch(2);
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    sender.execute(() -> {
      ranOn.add(Thread.currentThread());
      throw new IllegalStateException("boom");
    });
    sender.execute(() -> {
      ranOn.add(Thread.currentThread());
      Thread.currentThread().interrupt();
      after.countDown();
    });
    // The interrupt of the task before is not this one's, and does not end the thread.
    sender.execute(() -> {
      ranOn.add(Thread.currentThread());
      if (!Thread.currentThread().isInterrupted()) {
        after.countDown();
      }
    });
    assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ranOn).hasSize(3).containsOnly(ranOn.get(0));
    sender.shutdown();
  }

  @Test
  void shutdownRunsWhatIsQueuedRefusesTheRestAndEndsTheThread() throws Exception {
    SendingThread sender = new SendingThread("test-sender", 60, TimeUnit.SECONDS);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch ran = new CountDownLatch(3);
    sender.execute(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
      ran.countDown();
    });
    sender.execute(ran::countDown);
    sender.execute(ran::countDown);
    sender.shutdown();
    assertThatThrownBy(() -> sender.execute(() -> { }))
        .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("shut down");

    release.countDown();
    assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
    // Ends at once, not after the idle minute.
    Conditions.await(() -> !sender.isRunning(), "thread ended");
  }
}
