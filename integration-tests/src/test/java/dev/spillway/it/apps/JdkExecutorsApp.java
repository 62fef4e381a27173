package dev.spillway.it.apps;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * An application executor beside the JDK's own: the HTTP client's, which the JDK builds with its
 * own thread factory. Commands:
 * <ul>
 *   <li>{@code submit}: one task on {@code orders}; prints {@code SUBMIT accepted} or
 *       {@code SUBMIT rejected <message>}
 *   <li>{@code http}: three GETs with the JDK's HTTP client to a server in this JVM, 5 s each at
 *       most; prints {@code HTTP 200 hello} or {@code HTTP failed <exception>}
 * </ul>
 */
public final class JdkExecutorsApp {

  public static void main(String[] args) throws Exception {
    ThreadPoolExecutor orders = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10),
        Scenario.named("orders"));
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    HttpClient client = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    Scenario.say("READY");
    while (true) {
      switch (Scenario.next()) {
        case "submit":
          try {
            orders.execute(() -> { });
            Scenario.say("SUBMIT accepted");
          } catch (RejectedExecutionException e) {
            Scenario.say("SUBMIT rejected " + e.getMessage());
          }
          break;
        case "http":
          try {
            String body = "";
            int status = 0;
            for (int i = 0; i < 3; i++) {
              // A shed stage inside the client never completes its future: bounded here.
              HttpResponse<String> response = client.sendAsync(HttpRequest.newBuilder(uri).build(),
                  HttpResponse.BodyHandlers.ofString()).get(5, TimeUnit.SECONDS);
              status = response.statusCode();
              body = response.body();
            }
            Scenario.say("HTTP " + status + " " + body);
          } catch (Exception e) {
            Scenario.say("HTTP failed " + e);
          }
          break;
        case "exit":
          System.exit(0);
          break;
        default:
          Scenario.say("UNKNOWN");
      }
    }
  }
}
