package dev.spillway.it.apps;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** A scheduled task that becomes due while the only thread is busy, so it runs late. */
public final class ScheduledLatenessApp {

  public static void main(String[] args) throws Exception {
    Scenario.await("go");
    ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, Scenario.named("ticker"));
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch ran = new CountDownLatch(1);
    scheduler.execute(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    java.util.concurrent.ScheduledFuture<?> task = scheduler.schedule(ran::countDown, 50, TimeUnit.MILLISECONDS);
    long dueAt = System.nanoTime() + task.getDelay(TimeUnit.NANOSECONDS);
    Scenario.say("SCHEDULED");
    Scenario.await("release");
    long lateNanos = System.nanoTime() - dueAt;
    release.countDown();
    ran.await();
    Scenario.say("RAN late_ms=" + lateNanos / 1_000_000);
    Scenario.await("exit");
    scheduler.shutdown();
  }
}
