package dev.spillway.it.apps;

import com.zaxxer.hikari.HikariDataSource;
import dev.spillway.it.apps.pools.HikariFactory;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;

/**
 * An application with its own OpenTelemetry API and SDK (no OpenTelemetry agent) and a HikariCP
 * pool {@code orders-db} of one connection over H2, whose acquires time out after
 * {@value #TIMEOUT_MILLIS} ms. On {@code run}, while another thread holds the connection, inside
 * a span {@code request}: an acquire that times out; then, once a second thread waits for the
 * connection, an acquire that the test's rule ({@code pending >= 1}) refuses. Inside a span
 * {@code flood}: {@code <n>} more refused acquires. Prints {@code span <name> <traceId> <spanId>}
 * for both, then {@code event <span> <name> <attributes>} for each event on them (Spillway's).
 */
public final class TracedPoolApp {

  public static final long TIMEOUT_MILLIS = 250;

  public static void main(String[] args) throws Exception {
    int flood = Integer.parseInt(args[0]);
    Scenario.await("start");
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
    Tracer tracer = provider.get("traced-pool-app");
    HikariDataSource pool = (HikariDataSource) new HikariFactory().create("jdbc:h2:mem:traced-pool;DB_CLOSE_DELAY=-1",
        1, (int) TIMEOUT_MILLIS, "orders-db");
    pool.getConnection().close();
    Scenario.say("ready");
    Scenario.await("run");

    CountDownLatch held = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread holder = new Thread(() -> {
      // Its acquire may time out too on a loaded machine (250 ms): it tries again.
      for (int attempt = 0; attempt < 20 && held.getCount() > 0; attempt++) {
        try (Connection connection = pool.getConnection()) {
          held.countDown();
          release.await();
        } catch (Exception e) {
          Scenario.say("holder failed " + e);
        }
      }
    }, "holder");
    holder.start();
    held.await();

    Span request = tracer.spanBuilder("request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      Scenario.say("timeout " + acquire(pool));
      // A waiter without a span: the pool then has one pending request, which the rule sheds on.
      Thread waiter = new Thread(() -> {
        try (Connection connection = pool.getConnection()) {
          Scenario.say("waiter acquired");
        } catch (SQLException e) {
          Scenario.say("waiter failed " + e.getMessage());
        }
      }, "waiter");
      waiter.start();
      awaitWaiter(pool);
      Scenario.say("shed " + acquire(pool));
      waiter.join();
    } finally {
      request.end();
    }

    Thread waiter = new Thread(() -> {
      try (Connection connection = pool.getConnection()) {
        Scenario.say("flood waiter acquired");
      } catch (SQLException e) {
        Scenario.say("flood waiter failed");
      }
    }, "flood-waiter");
    Span floodSpan = tracer.spanBuilder("flood").startSpan();
    int shed = 0;
    try (Scope ignored = floodSpan.makeCurrent()) {
      waiter.start();
      awaitWaiter(pool);
      for (int i = 0; i < flood; i++) {
        if (acquire(pool).startsWith("shed by Spillway")) {
          shed++;
        }
      }
    } finally {
      floodSpan.end();
    }
    waiter.join();
    Scenario.say("flood shed " + shed);
    for (SpanData data : exporter.getFinishedSpanItems()) {
      Scenario.say("span " + data.getName() + " " + data.getTraceId() + " " + data.getSpanId());
      for (EventData event : data.getEvents()) {
        Scenario.say("event " + data.getName() + " " + event.getName() + " " + event.getAttributes().asMap());
      }
    }
    Scenario.say("done");
    release.countDown();
    Scenario.await("stop");
    System.exit(0);
  }

  /** Until a thread waits for a connection of the pool (ten seconds at most: the test then fails). */
  private static void awaitWaiter(HikariDataSource pool) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (pool.getHikariPoolMXBean().getThreadsAwaitingConnection() < 1 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  /** Acquires and returns a connection at once; says how it failed, if it did. */
  private static String acquire(HikariDataSource pool) {
    try (Connection connection = pool.getConnection()) {
      return "acquired";
    } catch (SQLException e) {
      return e.getMessage();
    }
  }
}
