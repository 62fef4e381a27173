package dev.spillway.examples;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/** The smallest program that uses an executor: what the start-up benchmark times. */
public final class Hello {

  public static void main(String[] args) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    String greeting = pool.submit(() -> "hello").get();
    pool.shutdown();
    pool.awaitTermination(5, TimeUnit.SECONDS);
    System.out.println(greeting);
  }
}
