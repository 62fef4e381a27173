package dev.spillway.it.apps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * An HTTP client with a connection pool of a given size calling a real HTTP server in the same JVM
 * (the JDK's {@code HttpServer} on a loopback port), driven step by step: hold every connection
 * (requests the server answers only when told), start borrowers that must wait for a connection
 * (each inside a span of the application's own OpenTelemetry SDK), give some back, let the rest
 * time out, release everything.
 *
 * <p>Arguments: the client ({@code httpClient5}, {@code httpClient4}, {@code okHttp}), the pool
 * size and the client's connection-request timeout in milliseconds. Only that client's jars are on
 * the class path. Commands and answers: {@code go} → {@code READY}; {@code hold} →
 * {@code HELD <n>}; {@code wait <n>} → {@code BORROWER <i> <trace id> <span id>}, later
 * {@code GOT <i>} (the borrower's request reached the server, holding its connection) or {@code FAILED <i> <exception class>}; {@code try} →
 * {@code TRY <exception class or ok> <ms> <message>} (after {@code TRY-CAUSE <class> <message>} for a
 * failure with a cause); {@code release <n>}, {@code release-all} →
 * {@code RELEASED ...}; {@code exit}.
 *
 * <p>A second server, on another port, makes a second route through the same pool:
 * {@code ports} → {@code PORTS <first> <second>}; {@code hold-at <server> <n>} → {@code HELD-AT
 * <server> <n>} once that server holds {@code n} more requests; {@code release-at <server> <n>} →
 * {@code RELEASED-AT <server> <n>}; {@code evict} closes the pool's idle connections →
 * {@code EVICTED}. {@code release-all} answers both servers.
 */
public final class HttpClientApp {

  /** One client library, with a pool of {@code size} connections (and, for OkHttp, dispatcher slots). */
  public interface Client {
    /**
     * GETs {@code url}; {@code done} gets null or the failure. A blocking client calls it on this
     * thread; an asynchronous one (OkHttp's {@code enqueue}) returns at once and calls it later.
     */
    void get(String url, Consumer<Throwable> done);

    /** Closes the pool's idle connections, as the application's housekeeping would. */
    void evictIdle() throws Exception;

    void close() throws Exception;
  }

  /** Builds one library's client. */
  public interface Factory {
    Client create(int size, int timeoutMillis) throws Exception;
  }

  /** One real HTTP server on a loopback port: its held requests and the gate that answers them. */
  private static final class Backend {
    final Semaphore gate = new Semaphore(0);
    final AtomicInteger holding = new AtomicInteger();
    final HttpServer server;
    final String base;

    Backend(String name) throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
      server.setExecutor(Executors.newCachedThreadPool(Scenario.named(name)));
      server.createContext("/hold", exchange -> {
        String borrower = exchange.getRequestURI().getQuery();
        if (borrower != null) {
          // A borrower's request reached the server: its client got a connection, which it holds.
          Scenario.say("GOT " + borrower.substring(borrower.indexOf('=') + 1));
        } else {
          holding.incrementAndGet();
        }
        gate.acquireUninterruptibly();
        respond(exchange, "held");
      });
      server.createContext("/ok", exchange -> respond(exchange, "ok"));
      server.start();
      base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Starts {@code count} requests this server holds, and returns once it holds them all. */
    int hold(Client client, int count) throws InterruptedException {
      int before = holding.get();
      for (int i = 0; i < count; i++) {
        background("holder-" + i, () -> client.get(base + "/hold", failure -> { }));
      }
      while (holding.get() < before + count) {
        Thread.sleep(5); // the server's own count: every connection is in use once it reaches count
      }
      return holding.get() - before;
    }
  }

  public static void main(String[] args) throws Exception {
    String library = args[0];
    int size = Integer.parseInt(args[1]);
    int timeout = Integer.parseInt(args[2]);
    Factory factory = (Factory) Class.forName("dev.spillway.it.apps.httpclients."
        + Character.toUpperCase(library.charAt(0)) + library.substring(1) + "Factory")
        .getDeclaredConstructor().newInstance();
    Backend first = new Backend("server");
    Backend second = new Backend("server-2");
    String base = first.base;
    Tracer tracer = SdkTracerProvider.builder().build().get("http-client-app");
    // The client is made once the agent is up (or, for an attach, before: see "go").
    Scenario.await("go");
    Client client = factory.create(size, timeout);
    // One round trip first, on this thread: the pool's first use names it after this code.
    CountDownLatch warm = new CountDownLatch(1);
    client.get(base + "/ok", failure -> warm.countDown());
    warm.await();
    Scenario.say("READY");
    while (true) {
      String[] command = Scenario.next().split(" ");
      switch (command[0]) {
        case "hold":
          Scenario.say("HELD " + first.hold(client, size));
          break;
        case "hold-at": {
          Backend at = command[1].equals("2") ? second : first;
          Scenario.say("HELD-AT " + command[1] + " " + at.hold(client, Integer.parseInt(command[2])));
          break;
        }
        case "release-at": {
          Backend at = command[1].equals("2") ? second : first;
          at.gate.release(Integer.parseInt(command[2]));
          Scenario.say("RELEASED-AT " + command[1] + " " + command[2]);
          break;
        }
        case "ports":
          Scenario.say("PORTS " + first.server.getAddress().getPort() + " " + second.server.getAddress().getPort());
          break;
        case "evict":
          client.evictIdle();
          Scenario.say("EVICTED");
          break;
        case "wait":
          borrowers(client, tracer, base, Integer.parseInt(command[1]));
          break;
        case "try": {
          long start = System.nanoTime();
          client.get(base + "/ok", failure -> {
            if (failure != null && failure.getCause() != null) {
              Scenario.say("TRY-CAUSE " + failure.getCause().getClass().getName() + " " + failure.getCause().getMessage());
            }
            Scenario.say("TRY " + (failure == null ? "ok" : failure.getClass().getName()) + " "
                + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " "
                + (failure == null ? "-" : failure.getMessage()));
          });
          break;
        }
        case "release": {
          int count = Integer.parseInt(command[1]);
          first.gate.release(count);
          Scenario.say("RELEASED " + count);
          break;
        }
        case "release-all":
          first.gate.release(10_000);
          second.gate.release(10_000);
          Scenario.say("RELEASED all");
          break;
        case "exit":
          client.close();
          first.server.stop(0);
          second.server.stop(0);
          System.exit(0);
          break;
        default:
          Scenario.say("UNKNOWN " + command[0]);
      }
    }
  }

  /**
   * Starts {@code count} borrowers, each in its own application span: prints
   * {@code BORROWER <i> <trace id> <span id>}, then {@code GOT <i>} (said by the server when the
   * borrower's request arrives: it then holds its connection until released) or
   * {@code FAILED <i> <class>}.
   */
  private static void borrowers(Client client, Tracer tracer, String base, int count) throws InterruptedException {
    for (int i = 1; i <= count; i++) {
      int n = i;
      CountDownLatch started = new CountDownLatch(1);
      background("borrower-" + n, () -> {
        Span span = tracer.spanBuilder("borrower-" + n).startSpan();
        try (Scope scope = span.makeCurrent()) {
          Scenario.say("BORROWER " + n + " " + span.getSpanContext().getTraceId() + " "
              + span.getSpanContext().getSpanId());
          started.countDown();
          client.get(base + "/hold?borrower=" + n, failure -> {
            if (failure != null) {
              Scenario.say("FAILED " + n + " " + failure.getClass().getName());
            }
          });
        } finally {
          span.end();
        }
      });
      started.await(); // one at a time: they queue in this order
    }
  }

  private static void background(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static void respond(HttpExchange exchange, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(200, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
