package dev.spillway.it.apps;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import javax.sql.DataSource;

/**
 * A JDBC pool on an in-memory H2 database, driven step by step: hold every connection, start
 * borrowers that must wait (each inside a span of the application's own OpenTelemetry SDK), give
 * some connections back, let the rest time out, release everything.
 *
 * <p>Arguments: the pool library ({@code hikari}, {@code dbcp2}, {@code tomcat}, {@code c3p0}),
 * the JDBC URL, the pool size, the pool's acquire timeout in milliseconds, and the pool name to
 * configure ({@code -} for none). Only that library's jars are on the class path.
 */
public final class PoolApp {

  /** Builds one library's pool. */
  public interface Factory {
    DataSource create(String url, int size, int timeoutMillis, String name) throws Exception;

    void close(DataSource dataSource) throws Exception;
  }

  private static final List<Connection> held = new CopyOnWriteArrayList<>();

  public static void main(String[] args) throws Exception {
    String library = args[0];
    String url = args[1];
    int size = Integer.parseInt(args[2]);
    int timeout = Integer.parseInt(args[3]);
    String name = "-".equals(args[4]) ? null : args[4];
    Factory factory = (Factory) Class.forName("dev.spillway.it.apps.pools."
        + Character.toUpperCase(library.charAt(0)) + library.substring(1) + "Factory")
        .getDeclaredConstructor().newInstance();
    Tracer tracer = SdkTracerProvider.builder().build().get("pool-app");
    // The pool is made once the agent is up, so that everything it does is seen.
    Scenario.await("go");
    DataSource dataSource = factory.create(url, size, timeout, name);
    // One round trip first: creates the database and loads the driver, outside any measurement.
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT 1")) {
      r.next();
    }
    Scenario.say("READY");
    while (true) {
      String[] command = Scenario.next().split(" ");
      switch (command[0]) {
        case "hold":
          for (int i = 0; i < size; i++) {
            held.add(dataSource.getConnection());
          }
          Scenario.say("HELD " + held.size());
          break;
        case "wait":
          borrowers(dataSource, tracer, Integer.parseInt(command[1]));
          break;
        case "try":
          attempt(dataSource);
          break;
        case "release": {
          int count = Integer.parseInt(command[1]);
          for (int i = 0; i < count; i++) {
            held.remove(0).close();
          }
          Scenario.say("RELEASED " + count);
          break;
        }
        case "release-all": {
          for (Connection c : new ArrayList<>(held)) {
            c.close();
          }
          held.clear();
          Scenario.say("RELEASED all");
          break;
        }
        case "exit":
          factory.close(dataSource);
          System.exit(0);
          break;
        default:
          Scenario.say("UNKNOWN " + command[0]);
      }
    }
  }

  /**
   * Starts {@code count} borrowers, each in its own application span: prints
   * {@code BORROWER <i> <trace id> <span id>}, then {@code GOT <i>} (the connection is then held
   * until released) or {@code FAILED <i> <exception class>}.
   */
  private static void borrowers(DataSource dataSource, Tracer tracer, int count) throws InterruptedException {
    CountDownLatch started = new CountDownLatch(count);
    for (int i = 1; i <= count; i++) {
      int n = i;
      Thread thread = new Thread(() -> {
        Span span = tracer.spanBuilder("borrower-" + n).startSpan();
        try (Scope scope = span.makeCurrent()) {
          Scenario.say("BORROWER " + n + " " + span.getSpanContext().getTraceId() + " "
              + span.getSpanContext().getSpanId());
          started.countDown();
          Connection connection = dataSource.getConnection();
          held.add(connection);
          Scenario.say("GOT " + n);
        } catch (SQLException e) {
          Scenario.say("FAILED " + n + " " + e.getClass().getName());
        } finally {
          span.end();
        }
      }, "borrower-" + n);
      thread.setDaemon(true);
      thread.start();
    }
    started.await();
  }

  /** One more request: prints {@code TRY <exception class or ok> <elapsed ms> <message>}. */
  private static void attempt(DataSource dataSource) {
    long start = System.nanoTime();
    try {
      Connection connection = dataSource.getConnection();
      held.add(connection);
      Scenario.say("TRY ok " + (System.nanoTime() - start) / 1_000_000 + " -");
    } catch (SQLException e) {
      Scenario.say("TRY " + e.getClass().getName() + " " + (System.nanoTime() - start) / 1_000_000 + " "
          + e.getMessage());
    }
  }
}
