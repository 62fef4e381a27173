package dev.spillway.it.apps;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * Project Reactor's schedulers, built as Spring WebFlux applications build them: a bounded elastic
 * scheduler {@code blocking} (at most 3 workers) and a parallel one {@code cpu} (2 workers), each
 * worker a single-thread executor of Reactor's, {@code roomy} (at most 4 workers of 10 queued
 * tasks each) and {@code tiny} (1 worker that queues at most 2 tasks). Commands:
 * <ul>
 *   <li>{@code hold}: schedules 7 tasks on {@code blocking}, 2 on {@code cpu} and 1 on
 *   {@code roomy} that wait for {@code release}; prints {@code HELD} once 3, 2 and 1 of them run
 *   <li>{@code flood}: schedules 6 tasks that wait for {@code release} on {@code tiny}, which runs
 *   one, queues 2 and refuses the others itself; prints {@code FLOODED refused=<n>}
 *   <li>{@code release}: lets them finish; prints {@code DONE} when all 10 have (and the 3 that
 *   {@code tiny} accepted, if flooded)
 * </ul>
 */
public final class ReactorApp {

  public static void main(String[] args) throws Exception {
    Scheduler blocking = Schedulers.newBoundedElastic(3, 100, "blocking");
    Scheduler cpu = Schedulers.newParallel("cpu", 2);
    Scheduler roomy = Schedulers.newBoundedElastic(4, 10, "roomy");
    Scheduler tiny = Schedulers.newBoundedElastic(1, 2, "tiny");
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(6);
    CountDownLatch done = new CountDownLatch(10);
    CountDownLatch tinyRunning = new CountDownLatch(1);
    CountDownLatch tinyDone = new CountDownLatch(3);
    Runnable held = () -> {
      running.countDown();
      awaitRelease(release);
      done.countDown();
    };
    Runnable heldOnTiny = () -> {
      awaitRelease(release);
      tinyDone.countDown();
    };
    Scenario.say("READY");
    while (true) {
      switch (Scenario.next()) {
        case "hold":
          for (int i = 0; i < 7; i++) {
            blocking.schedule(held);
          }
          cpu.schedule(held);
          cpu.schedule(held);
          roomy.schedule(held);
          running.await();
          Scenario.say("HELD");
          break;
        case "flood":
          // The first runs before the others are scheduled: then 2 queue and 3 are refused.
          tiny.schedule(() -> {
            tinyRunning.countDown();
            heldOnTiny.run();
          });
          tinyRunning.await();
          int refused = 0;
          for (int i = 0; i < 5; i++) {
            try {
              tiny.schedule(heldOnTiny);
            } catch (RejectedExecutionException e) {
              refused++;
            }
          }
          Scenario.say("FLOODED refused=" + refused);
          break;
        case "release":
          release.countDown();
          done.await();
          tinyDone.await();
          Scenario.say("DONE");
          break;
        case "exit":
          blocking.dispose();
          cpu.dispose();
          roomy.dispose();
          tiny.dispose();
          return;
        default:
          Scenario.say("UNKNOWN");
      }
    }
  }

  private static void awaitRelease(CountDownLatch release) {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
