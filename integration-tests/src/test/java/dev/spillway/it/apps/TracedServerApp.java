package dev.spillway.it.apps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.spillway.it.apps.pools.HikariFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP service (the JDK's own server, which the OpenTelemetry Java agent traces) whose
 * requests wait: {@code /acquire} for the only connection of a HikariCP pool while another thread
 * holds it {@value #HOLD_MILLIS} ms, {@code /submit} for the only worker of the {@code jobs}
 * executor while it runs a task as long; {@code /reject?n=N} submits N tasks to the
 * {@code tiny} executor (one thread, no queue, held) and counts the rejections. The pool
 * {@code short-db} (one connection, acquires time out after {@value #SHORT_TIMEOUT_MILLIS} ms):
 * {@code /timeout} acquires while another thread holds its connection, and times out;
 * {@code /shed} acquires while another thread holds it and a third waits for it, and is refused
 * by the test's rule ({@code pending >= 1}). It declares no OpenTelemetry API, like most services
 * run with that agent. Prints {@code listening <port>}.
 */
public final class TracedServerApp {

  public static final long HOLD_MILLIS = 400;
  public static final long SHORT_TIMEOUT_MILLIS = 250;

  public static void main(String[] args) throws Exception {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:traced;DB_CLOSE_DELAY=-1");
    config.setMaximumPoolSize(1);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(10_000);
    config.setPoolName("orders-db");
    HikariDataSource pool = new HikariDataSource(config);
    // Its connection made now: the holder's acquire is then fast, the request's the only slow one.
    pool.getConnection().close();
    HikariDataSource shortPool = (HikariDataSource) new HikariFactory().create(
        "jdbc:h2:mem:traced-short;DB_CLOSE_DELAY=-1", 1, (int) SHORT_TIMEOUT_MILLIS, "short-db");
    shortPool.getConnection().close();
    ThreadPoolExecutor jobs = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        Scenario.named("jobs"));
    ExecutorService holders = Executors.newCachedThreadPool(Scenario.named("holder"));
    ThreadPoolExecutor tiny = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>(),
        Scenario.named("tiny"));
    CountDownLatch release = new CountDownLatch(1);
    tiny.execute(() -> {
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });

    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    server.setExecutor(Executors.newFixedThreadPool(2, Scenario.named("http")));
    server.createContext("/acquire", exchange -> {
      try {
        CountDownLatch held = new CountDownLatch(1);
        holders.execute(() -> {
          hold(pool, held);
          held.countDown();
        });
        held.await();
        try (Connection connection = pool.getConnection()) {
          respond(exchange, "acquired " + connection.isValid(1));
        }
      } catch (Exception e) {
        respond(exchange, "failed " + e);
      }
    });
    server.createContext("/timeout", exchange -> {
      try {
        CountDownLatch held = new CountDownLatch(1);
        holdOnPlainThread(shortPool, held);
        held.await();
        respond(exchange, acquire(shortPool));
      } catch (Exception e) {
        respond(exchange, "failed " + e);
      }
    });
    server.createContext("/shed", exchange -> {
      try {
        CountDownLatch held = new CountDownLatch(1);
        holdOnPlainThread(shortPool, held);
        held.await();
        // A plain thread, to which the OpenTelemetry agent carries no context: its own timeout
        // is in no request.
        Thread waiter = new Thread(() -> acquire(shortPool), "waiter");
        waiter.start();
        awaitWaiter(shortPool);
        String result = acquire(shortPool);
        waiter.join();
        respond(exchange, result);
      } catch (Exception e) {
        respond(exchange, "failed " + e);
      }
    });
    server.createContext("/submit", exchange -> {
      try {
        CountDownLatch running = new CountDownLatch(1);
        jobs.execute(() -> {
          running.countDown();
          sleep(HOLD_MILLIS);
        });
        running.await();
        jobs.submit(() -> { }).get();
        respond(exchange, "ran");
      } catch (Exception e) {
        respond(exchange, "failed " + e);
      }
    });
    server.createContext("/reject", exchange -> {
      int n = Integer.parseInt(exchange.getRequestURI().getQuery().substring("n=".length()));
      int rejected = 0;
      for (int i = 0; i < n; i++) {
        try {
          tiny.execute(() -> { });
        } catch (RejectedExecutionException e) {
          rejected++;
        }
      }
      respond(exchange, "rejected " + rejected);
    });
    server.start();
    Scenario.say("listening " + server.getAddress().getPort());
    Scenario.await("stop");
    server.stop(0);
    System.exit(0);
  }

  /**
   * Holds a connection of {@code short-db} on a plain thread, to which the OpenTelemetry agent
   * carries no context; its acquire may time out on a loaded machine (250 ms), so it tries again,
   * and such a timeout is in no request.
   */
  private static void holdOnPlainThread(HikariDataSource pool, CountDownLatch held) {
    new Thread(() -> {
      for (int attempt = 0; attempt < 20 && held.getCount() > 0; attempt++) {
        hold(pool, held);
      }
      held.countDown();
    }, "short-holder").start();
  }

  /** Holds a connection {@value #HOLD_MILLIS} ms, counting {@code held} down once it has it. */
  private static void hold(HikariDataSource pool, CountDownLatch held) {
    try (Connection connection = pool.getConnection()) {
      held.countDown();
      sleep(HOLD_MILLIS);
    } catch (Exception e) {
      // not held: the caller decides
    }
  }

  /** Acquires and returns a connection at once: {@code acquired}, or the failure's message. */
  private static String acquire(HikariDataSource pool) {
    try (Connection connection = pool.getConnection()) {
      return "acquired";
    } catch (java.sql.SQLException e) {
      return e.getMessage();
    }
  }

  /** Until a thread waits for a connection of the pool (ten seconds at most: the test then fails). */
  private static void awaitWaiter(HikariDataSource pool) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (pool.getHikariPoolMXBean().getThreadsAwaitingConnection() < 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void respond(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
