package dev.spillway.it.apps;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Builds an executor, a queue and a connection pool in the first milliseconds of {@code main},
 * uses them, and holds them in that state: what a default start of the agent must see whole.
 *
 * <ul>
 *   <li>executor {@code early}: 2 workers held, 5 tasks queued, 3 rejected;
 *   <li>queue (a local of this method): 2 items, 3 offers refused;
 *   <li>HikariCP pool {@code early-db} on H2: 5 connections acquired and given back;
 *   <li>executor {@code brief}: runs 7 tasks and terminates.
 * </ul>
 * Prints {@code HELD ...} with what it saw, then waits for {@code exit}.
 */
public final class StartOfMainApp {

  public static void main(String[] args) throws Exception {
    CountDownLatch hold = new CountDownLatch(1);
    ThreadPoolExecutor early = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(5),
        Scenario.named("early"));
    for (int i = 0; i < 2; i++) {
      early.execute(() -> awaitQuietly(hold));
    }
    for (int i = 0; i < 5; i++) {
      early.execute(() -> { });
    }
    int rejected = 0;
    for (int i = 0; i < 3; i++) {
      try {
        early.execute(() -> { });
      } catch (RejectedExecutionException expected) {
        rejected++;
      }
    }

    ArrayBlockingQueue<String> inbox = new ArrayBlockingQueue<>(2);
    int refused = 0;
    for (int i = 0; i < 5; i++) {
      if (!inbox.offer("item-" + i)) {
        refused++;
      }
    }

    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(args[0]);
    config.setPoolName("early-db");
    config.setMaximumPoolSize(2);
    HikariDataSource pool = new HikariDataSource(config);
    int acquired = 0;
    for (int i = 0; i < 5; i++) {
      try (Connection connection = pool.getConnection()) {
        acquired++;
      }
    }

    ThreadPoolExecutor brief = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10),
        Scenario.named("brief"));
    for (int i = 0; i < 7; i++) {
      brief.execute(() -> { });
    }
    brief.shutdown();
    boolean terminated = brief.awaitTermination(10, TimeUnit.SECONDS);

    Scenario.say("HELD rejected=" + rejected + " queued=" + early.getQueue().size() + " refused=" + refused
        + " inbox=" + inbox.size() + " acquired=" + acquired + " brief_terminated=" + terminated);
    Scenario.await("exit");
    hold.countDown();
    early.shutdown();
    pool.close();
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
