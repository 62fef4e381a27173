package dev.spillway.it.apps;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A saturated pool: two workers held on a latch, three tasks queued, four rejected; and a
 * caller-runs pool that rejects one task into its caller.
 */
public final class BoundedPoolApp {

  public static void main(String[] args) throws Exception {
    Scenario.await("go");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(2);
    Runnable held = () -> {
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    ThreadPoolExecutor orders = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(3), Scenario.named("orders-worker"), new ThreadPoolExecutor.AbortPolicy());
    ThreadPoolExecutor reports = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new SynchronousQueue<>(), Scenario.named("reports"), new ThreadPoolExecutor.CallerRunsPolicy());

    for (int i = 0; i < 5; i++) {
      orders.execute(held);
    }
    long queuedAt = System.nanoTime();
    int rejected = 0;
    for (int i = 0; i < 4; i++) {
      try {
        orders.execute(held);
      } catch (RejectedExecutionException expected) {
        rejected++;
      }
    }
    started.await();
    long runningSince = System.nanoTime();
    reports.execute(held);
    int[] ranInCaller = new int[1];
    reports.execute(() -> ranInCaller[0]++);
    Scenario.say("QUEUED " + orders.getQueue().size() + " REJECTED " + rejected + " CALLER_RAN " + ranInCaller[0]);

    Scenario.await("release");
    long heldNanos = System.nanoTime() - queuedAt;
    long runningNanos = System.nanoTime() - runningSince;
    release.countDown();
    while (orders.getCompletedTaskCount() < 5) {
      Thread.sleep(5);
    }
    // The pools stay up: a terminated pool leaves the metrics, and the test reads them now.
    Scenario.say("DONE held_ms=" + heldNanos / 1_000_000 + " running_ms=" + runningNanos / 1_000_000);
    Scenario.await("exit");
    orders.shutdown();
    reports.shutdown();
  }
}
