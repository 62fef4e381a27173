package dev.spillway.it.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ordinary work with a checkable result: 1000 tasks on the {@code ledger} pool (two core threads,
 * at most four), each squaring its number; prints {@code RESULT tasks=1000 sum=333833500}. The
 * pool stays up until {@code exit}, so that its metrics keep being reported.
 */
public final class WorkloadApp {

  static final int TASKS = 1000;

  public static void main(String[] args) throws Exception {
    Scenario.await("go");
    ThreadPoolExecutor ledger = new ThreadPoolExecutor(2, 4, 30, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(TASKS), Scenario.named("ledger"), new ThreadPoolExecutor.CallerRunsPolicy());
    List<Future<Long>> results = new ArrayList<>();
    for (long i = 1; i <= TASKS; i++) {
      long n = i;
      results.add(ledger.submit(() -> n * n));
    }
    long sum = 0;
    for (Future<Long> result : results) {
      sum += result.get();
    }
    Scenario.say("RESULT tasks=" + results.size() + " sum=" + sum);
    Scenario.await("exit");
    ledger.shutdown();
    if (!ledger.awaitTermination(10, TimeUnit.SECONDS)) {
      Scenario.say("LEDGER DID NOT TERMINATE");
      System.exit(1);
    }
  }
}
