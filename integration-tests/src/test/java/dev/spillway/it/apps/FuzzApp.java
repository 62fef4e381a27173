package dev.spillway.it.apps;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An application whose answer does not depend on what the agent does: work refused by a pool or a
 * queue (by the pool itself or by a shedding rule) is done by the caller instead. Commands:
 * {@code work} prints {@code RESULT executor=<sum> queue=<sum>}; {@code exit}.
 */
public final class FuzzApp {

  static final int ITEMS = 2000;

  public static void main(String[] args) throws Exception {
    ThreadPoolExecutor ledger = new ThreadPoolExecutor(2, 4, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(100),
        Scenario.named("ledger"));
    ArrayBlockingQueue<Long> inbox = new ArrayBlockingQueue<>(64);
    AtomicLong consumed = new AtomicLong();
    AtomicLong consumedCount = new AtomicLong();
    Thread consumer = new Thread(() -> {
      try {
        while (true) {
          long item = inbox.take();
          consumed.addAndGet(item * 3);
          consumedCount.incrementAndGet();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "inbox-consumer");
    consumer.setDaemon(true);
    consumer.start();
    Scenario.say("READY");
    while (true) {
      String command = Scenario.next();
      if ("exit".equals(command)) {
        System.exit(0);
      }
      if (!"work".equals(command)) {
        Scenario.say("UNKNOWN " + command);
        continue;
      }
      AtomicLong executorSum = new AtomicLong();
      CountDownLatch done = new CountDownLatch(ITEMS);
      for (long i = 1; i <= ITEMS; i++) {
        long n = i;
        Runnable task = () -> {
          executorSum.addAndGet(n * n);
          done.countDown();
        };
        try {
          ledger.execute(task);
        } catch (RejectedExecutionException refused) {
          task.run();
        }
      }
      done.await();
      long before = consumed.get();
      long beforeCount = consumedCount.get();
      long inline = 0;
      long offered = 0;
      for (long i = 1; i <= ITEMS; i++) {
        if (inbox.offer(i, 10, TimeUnit.MILLISECONDS)) {
          offered++;
        } else {
          inline += i * 3;
        }
      }
      while (consumedCount.get() - beforeCount < offered) {
        Thread.onSpinWait();
      }
      Scenario.say("RESULT executor=" + executorSum.get() + " queue=" + (consumed.get() - before + inline));
    }
  }
}
