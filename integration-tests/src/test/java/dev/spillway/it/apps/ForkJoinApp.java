package dev.spillway.it.apps;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

/**
 * ForkJoinPools at work: a custom pool ({@code crunch} threads, parallelism 2), the common pool
 * (a parallel stream) and, on JDK 21+, virtual threads. Commands:
 * <ul>
 *   <li>{@code hold <n>}: submits n tasks to {@code crunch} that wait for {@code release}; prints
 *   {@code HELD} once two of them run
 *   <li>{@code release}: lets them finish, waits for the pool to be quiet, prints
 *   {@code STEALS <the pool's steal count>}
 *   <li>{@code common}: runs a parallel stream; prints {@code COMMON <common pool parallelism>}
 *   <li>{@code virtual}: on JDK 21+, starts virtual threads that park until {@code release};
 *   prints {@code VIRTUAL <started>}, or {@code VIRTUAL none} on older JDKs
 * </ul>
 */
public final class ForkJoinApp {

  public static void main(String[] args) throws Exception {
    ForkJoinPool crunch = new ForkJoinPool(2, pool -> {
      ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      thread.setName("crunch-" + thread.getPoolIndex());
      return thread;
    }, null, false);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(2);
    Scenario.say("READY");
    while (true) {
      String[] command = Scenario.next().split(" ");
      switch (command[0]) {
        case "hold":
          for (int i = 0; i < Integer.parseInt(command[1]); i++) {
            crunch.execute(() -> {
              running.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
          }
          running.await();
          Scenario.say("HELD");
          break;
        case "release":
          release.countDown();
          crunch.awaitQuiescence(30, TimeUnit.SECONDS);
          Scenario.say("STEALS " + crunch.getStealCount());
          break;
        case "common":
          long sum = LongStream.range(0, 2_000_000).parallel().map(x -> x % 7).sum();
          Scenario.say("COMMON " + ForkJoinPool.getCommonPoolParallelism() + " " + sum);
          break;
        case "virtual":
          Scenario.say("VIRTUAL " + startVirtualThreads(release));
          break;
        case "exit":
          System.exit(0);
          break;
        default:
          Scenario.say("UNKNOWN " + command[0]);
      }
    }
  }

  /** Compiled for Java 17: {@code Thread.startVirtualThread} is found at run time. */
  private static String startVirtualThreads(CountDownLatch release) throws Exception {
    java.lang.reflect.Method start;
    try {
      start = Thread.class.getMethod("startVirtualThread", Runnable.class);
    } catch (NoSuchMethodException e) {
      return "none";
    }
    CountDownLatch started = new CountDownLatch(4);
    for (int i = 0; i < 4; i++) {
      start.invoke(null, (Runnable) () -> {
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    started.await();
    return "4";
  }
}
