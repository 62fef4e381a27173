package dev.spillway.examples.overload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP service built the usual way: an acceptor hands each connection to a fixed thread pool
 * with a bounded queue, and each request calls a dependency. When the pool refuses a connection
 * the acceptor answers 503 at once, as servlet containers do. The dependency is fast at first and
 * slows down after a while: that is the incident.
 *
 * <pre>java [-javaagent:spillway-agent.jar -Dspillway.rules=examples/overload-rules.yaml] \
 *     -cp examples/target/spillway-examples.jar dev.spillway.examples.overload.OrderService \
 *     [--port 8080] [--threads 8] [--queue 400] [--fast 10] [--slow 40] [--slow-after 5]</pre>
 *
 * It knows nothing about Spillway.
 */
public final class OrderService {

  private static final byte[] OK = response("200 OK", "ok\n");
  private static final byte[] UNAVAILABLE = response("503 Service Unavailable", "busy\n");

  private final ThreadPoolExecutor pool;
  private final long fastMillis;
  private final long slowMillis;
  private final long slowFrom;

  OrderService(int threads, int queue, long fastMillis, long slowMillis, long slowAfterSeconds) {
    AtomicInteger next = new AtomicInteger();
    this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
        task -> new Thread(task, "orders-" + next.incrementAndGet()));
    this.fastMillis = fastMillis;
    this.slowMillis = slowMillis;
    this.slowFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(slowAfterSeconds);
  }

  public static void main(String[] args) throws IOException {
    int port = intArg(args, "--port", 8080);
    OrderService service = new OrderService(intArg(args, "--threads", 8), intArg(args, "--queue", 400),
        intArg(args, "--fast", 10), intArg(args, "--slow", 40), intArg(args, "--slow-after", 5));
    try (ServerSocket server = new ServerSocket(port, 4096, InetAddress.getLoopbackAddress())) {
      System.out.println("listening on " + server.getLocalPort());
      System.out.flush();
      while (true) {
        service.accept(server.accept());
      }
    }
  }

  void accept(Socket socket) {
    try {
      pool.execute(() -> handle(socket));
    } catch (RejectedExecutionException busy) {
      reply(socket, UNAVAILABLE);
    }
  }

  private void handle(Socket socket) {
    try {
      readRequest(socket.getInputStream());
      callDependency();
      reply(socket, OK);
    } catch (IOException | InterruptedException e) {
      close(socket);
    }
  }

  /** The dependency: its latency is the incident. */
  private void callDependency() throws InterruptedException {
    Thread.sleep(System.nanoTime() < slowFrom ? fastMillis : slowMillis);
  }

  private static void readRequest(InputStream in) throws IOException {
    // Up to the blank line that ends the headers; requests carry no body.
    int matched = 0;
    int b;
    while (matched < 4 && (b = in.read()) >= 0) {
      matched = (b == '\r' || b == '\n') ? matched + 1 : 0;
    }
  }

  private static void reply(Socket socket, byte[] response) {
    try (Socket s = socket; OutputStream out = s.getOutputStream()) {
      out.write(response);
      out.flush();
    } catch (IOException ignored) {
      // the client went away
    }
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  private static byte[] response(String status, String body) {
    return ("HTTP/1.1 " + status + "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
        + "\r\nConnection: close\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
  }

  static int intArg(String[] args, String name, int defaultValue) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return defaultValue;
  }
}
