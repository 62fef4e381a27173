package dev.spillway.it.apps;

import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Executors for shedding tests, driven by commands:
 * <ul>
 *   <li>{@code submit <pool> <n>}: submits n tasks that block until {@code release}; prints
 *       {@code RESULT accepted=.. rejected=.. caller_ran=.. message=<first refusal message>}. The
 *       first tasks are let reach the pool's idle threads before the next is submitted, so that
 *       the queue holds a known number of tasks at each submission.
 *   <li>{@code schedule <n>}: schedules n tasks 10 minutes ahead on {@code ticker}; prints RESULT
 *   <li>{@code release}: lets every blocked task finish and waits for the queues to drain
 *   <li>{@code ticks}: prints how often the periodic task scheduled at start has run
 * </ul>
 * Pools: {@code orders} (2 threads, queue 10, abort), {@code reports} (1 thread, queue 10, caller
 * runs), {@code ticker} (scheduled, 1 thread, with a periodic task).
 */
public final class SheddingApp {

  private static volatile CountDownLatch release = new CountDownLatch(1);

  public static void main(String[] args) throws Exception {
    Map<String, ThreadPoolExecutor> pools = Map.of(
        "orders", new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10),
            Scenario.named("orders"), new ThreadPoolExecutor.AbortPolicy()),
        "reports", new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10),
            Scenario.named("reports"), new ThreadPoolExecutor.CallerRunsPolicy()));
    ScheduledThreadPoolExecutor ticker = new ScheduledThreadPoolExecutor(1, Scenario.named("ticker"));
    AtomicInteger ticks = new AtomicInteger();
    ticker.scheduleAtFixedRate(ticks::incrementAndGet, 0, 100, TimeUnit.MILLISECONDS);
    Scenario.say("READY");
    while (true) {
      String[] command = Scenario.next().split(" ");
      switch (command[0]) {
        case "submit":
          submit(pools.get(command[1]), Integer.parseInt(command[2]));
          break;
        case "schedule":
          schedule(ticker, Integer.parseInt(command[1]));
          break;
        case "release":
          CountDownLatch current = release;
          release = new CountDownLatch(1);
          current.countDown();
          for (ThreadPoolExecutor pool : pools.values()) {
            while (!pool.getQueue().isEmpty() || pool.getActiveCount() > 0) {
              Thread.sleep(5);
            }
          }
          Scenario.say("RELEASED");
          break;
        case "ticks":
          Scenario.say("TICKS " + ticks.get());
          break;
        case "exit":
          System.exit(0);
          break;
        default:
          Scenario.say("UNKNOWN " + command[0]);
      }
    }
  }

  private static void submit(ThreadPoolExecutor pool, int count) {
    CountDownLatch latch = release;
    String caller = Thread.currentThread().getName();
    AtomicInteger callerRan = new AtomicInteger();
    int accepted = 0;
    int rejected = 0;
    String message = "none";
    for (int i = 0; i < count; i++) {
      try {
        pool.execute(() -> {
          if (Thread.currentThread().getName().equals(caller)) {
            callerRan.incrementAndGet();
            return; // run by the caller: do not block the test's command loop
          }
          await(latch);
        });
        accepted++;
        while (accepted <= pool.getCorePoolSize() && pool.getActiveCount() < accepted) {
          Thread.onSpinWait();
        }
      } catch (RejectedExecutionException e) {
        if (rejected++ == 0) {
          message = e.getMessage();
        }
      }
    }
    Scenario.say("RESULT accepted=" + accepted + " rejected=" + rejected + " caller_ran=" + callerRan.get()
        + " message=" + message);
  }

  private static void schedule(ScheduledThreadPoolExecutor ticker, int count) {
    int accepted = 0;
    int rejected = 0;
    String message = "none";
    for (int i = 0; i < count; i++) {
      try {
        ticker.schedule(() -> { }, 10, TimeUnit.MINUTES);
        accepted++;
      } catch (RejectedExecutionException e) {
        if (rejected++ == 0) {
          message = e.getMessage();
        }
      }
    }
    Scenario.say("RESULT accepted=" + accepted + " rejected=" + rejected + " caller_ran=0 message=" + message);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
