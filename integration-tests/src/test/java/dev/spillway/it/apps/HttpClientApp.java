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
 * {@code TRY <exception class or ok> <ms> <message>}; {@code release <n>}, {@code release-all} →
 * {@code RELEASED ...}; {@code exit}.
 */
public final class HttpClientApp {

  /** One client library, with a pool of {@code size} connections (and, for OkHttp, dispatcher slots). */
  public interface Client {
    /**
     * GETs {@code url}; {@code done} gets null or the failure. A blocking client calls it on this
     * thread; an asynchronous one (OkHttp's {@code enqueue}) returns at once and calls it later.
     */
    void get(String url, Consumer<Throwable> done);

    void close() throws Exception;
  }

  /** Builds one library's client. */
  public interface Factory {
    Client create(int size, int timeoutMillis) throws Exception;
  }

  private static final Semaphore gate = new Semaphore(0);
  private static final AtomicInteger holding = new AtomicInteger();

  public static void main(String[] args) throws Exception {
    String library = args[0];
    int size = Integer.parseInt(args[1]);
    int timeout = Integer.parseInt(args[2]);
    Factory factory = (Factory) Class.forName("dev.spillway.it.apps.httpclients."
        + Character.toUpperCase(library.charAt(0)) + library.substring(1) + "Factory")
        .getDeclaredConstructor().newInstance();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.setExecutor(Executors.newCachedThreadPool(Scenario.named("server")));
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
    String base = "http://127.0.0.1:" + server.getAddress().getPort();
    Tracer tracer = SdkTracerProvider.builder().build().get("http-client-app");
    // The client is made once the agent is up (or, for an attach, before: see "go").
    Scenario.await("go");
    Client client = factory.create(size, timeout);
    // One round trip first, on this thread: the pool's first use names it after this code.
    CountDownLatch first = new CountDownLatch(1);
    client.get(base + "/ok", failure -> first.countDown());
    first.await();
    Scenario.say("READY");
    while (true) {
      String[] command = Scenario.next().split(" ");
      switch (command[0]) {
        case "hold": {
          int before = holding.get();
          for (int i = 0; i < size; i++) {
            background("holder-" + i, () -> client.get(base + "/hold", failure -> { }));
          }
          while (holding.get() < before + size) {
            Thread.sleep(5); // the server's own count: every connection is in use once it reaches size
          }
          Scenario.say("HELD " + (holding.get() - before));
          break;
        }
        case "wait":
          borrowers(client, tracer, base, Integer.parseInt(command[1]));
          break;
        case "try": {
          long start = System.nanoTime();
          client.get(base + "/ok", failure -> Scenario.say("TRY "
              + (failure == null ? "ok" : failure.getClass().getName()) + " "
              + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " "
              + (failure == null ? "-" : failure.getMessage())));
          break;
        }
        case "release": {
          int count = Integer.parseInt(command[1]);
          gate.release(count);
          Scenario.say("RELEASED " + count);
          break;
        }
        case "release-all":
          gate.release(10_000);
          Scenario.say("RELEASED all");
          break;
        case "exit":
          client.close();
          server.stop(0);
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
