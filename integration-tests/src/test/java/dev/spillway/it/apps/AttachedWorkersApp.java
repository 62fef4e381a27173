package dev.spillway.it.apps;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Executors whose workers run before Spillway is attached: {@code held} (one worker held, a queue
 * of 5, the JDK's abort policy) and {@code busy} (one worker running a chain of tiny tasks, which
 * it never stops). Commands:
 * <ul>
 *   <li>{@code submit <n>}: n tasks to {@code held}; prints how many it accepted and rejected
 *   <li>{@code fresh}: builds {@code fresh} (one worker, no queue, caller-runs policy), holds its
 *   worker and submits 3 more tasks, which run on the caller; prints how many did
 *   <li>{@code busy}: prints how many tasks {@code busy} has run so far
 * </ul>
 */
public final class AttachedWorkersApp {

  public static void main(String[] args) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Runnable hold = () -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    };
    ThreadPoolExecutor held = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(5),
        Scenario.named("held"));
    held.execute(hold);

    ThreadPoolExecutor busy = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        Scenario.named("busy"));
    AtomicLong ran = new AtomicLong();
    busy.execute(new Runnable() {
      @Override
      public void run() {
        ran.incrementAndGet();
        if (!busy.isShutdown()) {
          busy.execute(this);
        }
      }
    });
    Scenario.say("READY");
    while (true) {
      String[] command = Scenario.next().split(" ");
      switch (command[0]) {
        case "submit": {
          int accepted = 0;
          int rejected = 0;
          for (int i = 0; i < Integer.parseInt(command[1]); i++) {
            try {
              held.execute(() -> { });
              accepted++;
            } catch (RejectedExecutionException e) {
              rejected++;
            }
          }
          Scenario.say("SUBMITTED accepted=" + accepted + " rejected=" + rejected);
          break;
        }
        case "fresh": {
          ThreadPoolExecutor fresh = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>(),
              Scenario.named("fresh"), new ThreadPoolExecutor.CallerRunsPolicy());
          fresh.execute(hold);
          Thread caller = Thread.currentThread();
          AtomicLong onCaller = new AtomicLong();
          for (int i = 0; i < 3; i++) {
            fresh.execute(() -> {
              if (Thread.currentThread() == caller) {
                onCaller.incrementAndGet();
              }
            });
          }
          Scenario.say("FRESH on-caller=" + onCaller.get());
          break;
        }
        case "busy":
          Scenario.say("BUSY ran=" + ran.get());
          break;
        case "exit":
          release.countDown();
          busy.shutdown();
          System.exit(0);
          break;
        default:
          Scenario.say("UNKNOWN " + command[0]);
      }
    }
  }
}
