package dev.spillway.it.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Executors that come and go by the thousand, and executors that stay.
 *
 * <p>{@code churn}, on {@code go}: three long-lived pools ({@code ledger}, {@code mailer},
 * {@code indexer}; 2, 1 and 3 core threads, one task each), then four threads that each create,
 * use (three tasks) and shut down 1250 fixed pools of two threads, the way code that makes an
 * executor per request does, handing each iteration's bookkeeping task to a long-lived pool in
 * turn. Once every churned pool has terminated and garbage was collected, prints
 * {@code CHURNED executors=5000 tasks=15000 sum=70000 bookkeeping=5003}.
 *
 * <p>{@code overflow}: on {@code go}, twenty live single-thread pools ({@code shard-1} ...
 * {@code shard-20}), each having run one task; prints {@code POOLS 20}.
 */
public final class ExecutorChurnApp {

  static final int CHURNERS = 4;
  static final int PER_CHURNER = 1250;
  static final int TASKS_PER_EXECUTOR = 3;

  public static void main(String[] args) throws Exception {
    if (args.length == 1 && args[0].equals("overflow")) {
      overflow();
    } else {
      churn();
    }
  }

  private static void churn() throws Exception {
    Scenario.await("go");
    ThreadPoolExecutor[] longLived = {
        pool("ledger", 2), pool("mailer", 1), pool("indexer", 3)};
    AtomicLong bookkeeping = new AtomicLong();
    for (ThreadPoolExecutor pool : longLived) {
      pool.submit(bookkeeping::incrementAndGet).get();
    }

    AtomicLong sum = new AtomicLong();
    AtomicLong executors = new AtomicLong();
    AtomicLong tasks = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(CHURNERS);
    for (int c = 0; c < CHURNERS; c++) {
      Thread churner = new Thread(() -> {
        try {
          for (int i = 0; i < PER_CHURNER; i++) {
            ExecutorService perRequest = Executors.newFixedThreadPool(2);
            List<Future<Long>> results = new ArrayList<>();
            for (long t = 1; t <= TASKS_PER_EXECUTOR; t++) {
              long n = t;
              results.add(perRequest.submit(() -> n * n));
            }
            for (Future<Long> result : results) {
              sum.addAndGet(result.get());
              tasks.incrementAndGet();
            }
            perRequest.shutdown();
            if (!perRequest.awaitTermination(10, TimeUnit.SECONDS)) {
              throw new IllegalStateException("a churned pool did not terminate");
            }
            executors.incrementAndGet();
            longLived[i % longLived.length].execute(bookkeeping::incrementAndGet);
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        } finally {
          done.countDown();
        }
      }, "churner-" + c);
      churner.start();
    }
    done.await();
    if (failure.get() != null) {
      failure.get().printStackTrace();
      Scenario.say("FAILED " + failure.get());
      System.exit(1);
    }
    // Every bookkeeping task finished, so that the completed counts the test reads are final.
    while (completed(longLived) < longLived.length + executors.get()) {
      Thread.sleep(5);
    }
    System.gc();
    Scenario.say("CHURNED executors=" + executors.get() + " tasks=" + tasks.get() + " sum=" + sum.get()
        + " bookkeeping=" + bookkeeping.get());
    Scenario.await("exit");
    for (ThreadPoolExecutor pool : longLived) {
      pool.shutdown();
    }
  }

  private static void overflow() throws Exception {
    Scenario.await("go");
    List<ThreadPoolExecutor> pools = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      ThreadPoolExecutor pool = pool("shard-" + i, 1);
      pool.submit(() -> { }).get();
      pools.add(pool);
    }
    Scenario.say("POOLS " + pools.size());
    Scenario.await("exit");
    pools.forEach(ThreadPoolExecutor::shutdown);
  }

  private static long completed(ThreadPoolExecutor[] pools) {
    long completed = 0;
    for (ThreadPoolExecutor pool : pools) {
      completed += pool.getCompletedTaskCount();
    }
    return completed;
  }

  private static ThreadPoolExecutor pool(String name, int threads) {
    return new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        Scenario.named(name));
  }
}
