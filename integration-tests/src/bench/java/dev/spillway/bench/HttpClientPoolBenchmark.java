package dev.spillway.bench;

import java.util.concurrent.TimeUnit;
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
 * connections, the step every request of an application takes before it sends a byte: for
 * HttpClient 5, the exec runtime's {@code acquireEndpoint} (which the agent times) and
 * {@code releaseEndpoint}; for HttpClient 4.5, the manager's {@code requestConnection(...).get}
 * (whose {@code leaseConnection} the agent times) and {@code releaseConnection}. Nothing connects:
 * the connection is never opened, so the pool makes a new (unconnected) connection object each
 * time, as the library does after a connection was closed. {@link BenchmarkMain} runs it without
 * the agent and with it, in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HttpClientPoolBenchmark {

  private static final int SIZE = 4;

  @Param({"httpclient5", "httpclient4"})
  public String type;

  private PoolingHttpClientConnectionManager manager5;
  private ExecRuntime runtime5;
  private final HttpClientContext context5 = HttpClientContext.create();
  private final org.apache.hc.client5.http.HttpRoute route5 =
      new org.apache.hc.client5.http.HttpRoute(new HttpHost("http", "127.0.0.1", 8080));

  private org.apache.http.impl.conn.PoolingHttpClientConnectionManager manager4;
  private final org.apache.http.conn.routing.HttpRoute route4 =
      new org.apache.http.conn.routing.HttpRoute(new org.apache.http.HttpHost("127.0.0.1", 8080));

  @Setup(Level.Trial)
  public void start() throws Exception {
    BenchAgent.awaitStarted();
    manager5 = PoolingHttpClientConnectionManagerBuilder.create().setMaxConnTotal(SIZE).setMaxConnPerRoute(SIZE).build();
    runtime5 = BenchExecRuntime.create(manager5);
    manager4 = new org.apache.http.impl.conn.PoolingHttpClientConnectionManager();
    manager4.setMaxTotal(SIZE);
    manager4.setDefaultMaxPerRoute(SIZE);
    leaseAndRelease();
    BenchAgent.attachIfRequested();
  }

  @TearDown(Level.Trial)
  public void stop() {
    manager5.close();
    manager4.shutdown();
  }

  @Benchmark
  public Object leaseAndRelease() throws Exception {
    if (type.equals("httpclient5")) {
      runtime5.acquireEndpoint("bench", route5, null, context5);
      runtime5.releaseEndpoint();
      return runtime5;
    }
    HttpClientConnection connection = manager4.requestConnection(route4, null).get(0, TimeUnit.MILLISECONDS);
    manager4.releaseConnection(connection, null, 0, TimeUnit.MILLISECONDS);
    return connection;
  }
}
