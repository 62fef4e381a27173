package dev.spillway.examples;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small service with three ordinary executors, for the quick start: a bounded order pool that
 * is a little too small for its load (it queues, and sometimes rejects), a plain fixed pool, and a
 * scheduler. It knows nothing about Spillway.
 *
 * <pre>java -javaagent:agent/target/spillway-agent.jar -cp examples/target/spillway-examples.jar \
 *     dev.spillway.examples.QuickStart [seconds]</pre>
 */
public final class QuickStart {

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    ThreadPoolExecutor orders = new ThreadPoolExecutor(4, 4, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(20), named("orders"));
    ExecutorService mail = Executors.newFixedThreadPool(2);
    var scheduler = Executors.newSingleThreadScheduledExecutor(named("housekeeping"));
    scheduler.scheduleAtFixedRate(() -> work(2), 0, 1, TimeUnit.SECONDS);

    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    int accepted = 0;
    int rejected = 0;
    while (System.nanoTime() < end) {
      try {
        orders.execute(() -> work(5 + ThreadLocalRandom.current().nextInt(30)));
        accepted++;
      } catch (RejectedExecutionException busy) {
        rejected++;
      }
      mail.execute(() -> work(1));
      Thread.sleep(4);
    }
    System.out.printf("orders accepted=%d rejected=%d%n", accepted, rejected);
    orders.shutdown();
    mail.shutdown();
    scheduler.shutdown();
    orders.awaitTermination(10, TimeUnit.SECONDS);
  }

  private static void work(int millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static ThreadFactory named(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return task -> new Thread(task, prefix + "-" + next.incrementAndGet());
  }
}
