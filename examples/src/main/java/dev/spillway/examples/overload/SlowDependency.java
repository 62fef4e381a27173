package dev.spillway.examples.overload;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A downstream service that slows down: it answers every request (the Spring Boot example's
 * {@code /price}) after {@code --fast} ms, and after {@code --slow} ms once {@code --slow-after}
 * seconds have passed. That is the incident, seen from the service that calls it.
 *
 * <pre>java -cp examples/target/spillway-examples.jar dev.spillway.examples.overload.SlowDependency \
 *     [--port 9090] [--fast 10] [--slow 40] [--slow-after 5]</pre>
 */
public final class SlowDependency {

  private SlowDependency() {}

  public static void main(String[] args) throws IOException {
    int port = OrderService.intArg(args, "--port", 9090);
    long fastMillis = OrderService.intArg(args, "--fast", 10);
    long slowMillis = OrderService.intArg(args, "--slow", 40);
    long slowFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(OrderService.intArg(args, "--slow-after", 5));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 4096);
    // A thread per request: the dependency itself never queues, it is only slow.
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/", exchange -> {
      try {
        Thread.sleep(System.nanoTime() < slowFrom ? fastMillis : slowMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      answer(exchange);
    });
    server.start();
    System.out.println("listening on " + server.getAddress().getPort());
  }

  /** Answers {@code exchange} with a price, {@code 9.99}, and closes it. */
  public static void answer(HttpExchange exchange) throws IOException {
    byte[] body = "9.99".getBytes(StandardCharsets.US_ASCII);
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }
}
