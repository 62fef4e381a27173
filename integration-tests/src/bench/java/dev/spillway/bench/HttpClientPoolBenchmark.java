package dev.spillway.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.nio.AsyncConnectionEndpoint;
import org.apache.hc.core5.util.Timeout;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.client5.http.classic.ExecRuntime;
import org.apache.hc.client5.http.impl.classic.BenchExecRuntime;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpHost;
import org.apache.http.HttpClientConnection;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of a connection lease and its return on an uncontended HTTP client pool of four
 * connections, the step every request of an application takes before it sends a byte, on an open
 * connection kept alive in the pool (to a local socket that accepts and stays silent): for
 * HttpClient 5, the exec runtime's {@code acquireEndpoint} (which the agent times) and
 * {@code releaseEndpoint}; for HttpClient 4.5, the manager's {@code requestConnection(...).get}
 * (whose {@code leaseConnection} the agent times) and {@code releaseConnection}; for HttpClient 5
 * async, the manager's {@code lease(...).get()} of an entry with no connection (which completes at
 * once, through the lease's callback: both woven) and its {@code release}. Nothing is sent.
 * {@link BenchmarkMain} runs it without the agent and with it, in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HttpClientPoolBenchmark {

  private static final int SIZE = 4;

  @Param({"httpclient5", "httpclient4", "httpclient5async"})
  public String type;

  private ServerSocket server;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();

  private PoolingHttpClientConnectionManager manager5;
  private ExecRuntime runtime5;
  private final HttpClientContext context5 = HttpClientContext.create();
  private org.apache.hc.client5.http.HttpRoute route5;

  private PoolingAsyncClientConnectionManager managerAsync;

  private org.apache.http.impl.conn.PoolingHttpClientConnectionManager manager4;
  private org.apache.http.conn.routing.HttpRoute route4;
  private final org.apache.http.protocol.HttpContext context4 = new org.apache.http.protocol.BasicHttpContext();

  @Setup(Level.Trial)
  public void start() throws Exception {
    BenchAgent.awaitStarted();
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      try {
        while (true) {
          accepted.add(server.accept());
        }
      } catch (IOException e) {
        // closed
      }
    }, "bench-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
    int port = server.getLocalPort();
    route5 = new org.apache.hc.client5.http.HttpRoute(new HttpHost("http", "127.0.0.1", port));
    route4 = new org.apache.http.conn.routing.HttpRoute(new org.apache.http.HttpHost("127.0.0.1", port));
    manager5 = PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(SIZE).setMaxConnPerRoute(SIZE)
        .setDefaultConnectionConfig(ConnectionConfig.custom().setValidateAfterInactivity(TimeValue.ofMinutes(10)).build())
        .build();
    runtime5 = BenchExecRuntime.create(manager5);
    managerAsync = PoolingAsyncClientConnectionManagerBuilder.create().setMaxConnTotal(SIZE).setMaxConnPerRoute(SIZE)
        .build();
    manager4 = new org.apache.http.impl.conn.PoolingHttpClientConnectionManager();
    manager4.setMaxTotal(SIZE);
    manager4.setDefaultMaxPerRoute(SIZE);
    manager4.setValidateAfterInactivity(600_000);
    leaseAndRelease();
    BenchAgent.attachIfRequested();
  }

  @TearDown(Level.Trial)
  public void stop() throws IOException {
    manager5.close();
    managerAsync.close();
    manager4.shutdown();
    server.close();
    for (Socket socket : accepted) {
      socket.close();
    }
  }

  @Benchmark
  public Object leaseAndRelease() throws Exception {
    if (type.equals("httpclient5async")) {
      // The pool's part of an async request: a lease that completes at once (an entry with no
      // connection: nothing is connected here) and its release, which discards the entry.
      AsyncConnectionEndpoint endpoint = managerAsync.lease("bench", route5, null, Timeout.ofSeconds(1), null)
          .get();
      managerAsync.release(endpoint, null, TimeValue.ZERO_MILLISECONDS);
      return endpoint;
    }
    if (type.equals("httpclient5")) {
      runtime5.acquireEndpoint("bench", route5, null, context5);
      if (!runtime5.isEndpointConnected()) {
        runtime5.connectEndpoint(context5); // the first time only: then the pool keeps it open
      }
      runtime5.markConnectionReusable(null, TimeValue.ofMinutes(10));
      runtime5.releaseEndpoint();
      return runtime5;
    }
    HttpClientConnection connection = manager4.requestConnection(route4, null).get(0, TimeUnit.MILLISECONDS);
    if (!connection.isOpen()) {
      manager4.connect(connection, route4, 1000, context4);
      manager4.routeComplete(connection, route4, context4);
    }
    manager4.releaseConnection(connection, null, 10, TimeUnit.MINUTES);
    return connection;
  }
}
