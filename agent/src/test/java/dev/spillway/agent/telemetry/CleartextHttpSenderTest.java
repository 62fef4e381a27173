package dev.spillway.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's own OTLP/HTTP sender against the JDK's HTTP server, and through the real exporter. */
class CleartextHttpSenderTest {

  private HttpServer server;
  private final List<Map<String, List<String>>> requestHeaders = new CopyOnWriteArrayList<>();
  private final List<byte[]> bodies = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Answers each request with the next of {@code answers} (status, body); the last one repeats. */
  private URI serve(int[] statuses, String... answerBodies) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger count = new AtomicInteger();
    server.createContext("/v1/metrics", exchange -> answer(exchange, count.getAndIncrement(), statuses, answerBodies));
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics");
  }

  private void answer(HttpExchange exchange, int index, int[] statuses, String[] answerBodies) throws IOException {
    requestHeaders.add(Map.copyOf(exchange.getRequestHeaders()));
    try (InputStream in = exchange.getRequestBody()) {
      bodies.add(in.readAllBytes());
    }
    int status = statuses[Math.min(index, statuses.length - 1)];
    byte[] body = answerBodies[Math.min(index, answerBodies.length - 1)].getBytes(StandardCharsets.UTF_8);
    if (status == 503) {
      exchange.getResponseHeaders().add("Retry-After", "0");
    }
    // Length 0: the JDK server answers chunked.
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : 0);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  private static final class Config implements HttpSenderConfig {
    final URI endpoint;
    RetryPolicy retry = RetryPolicy.builder().setMaxAttempts(3).setInitialBackoff(Duration.ofMillis(10)).build();
    Duration timeout = Duration.ofSeconds(5);
    long maxBody = 1 << 20;

    Config(URI endpoint) {
      this.endpoint = endpoint;
    }

    @Override public URI getEndpoint() { return endpoint; }
    @Override public String getContentType() { return "application/x-protobuf"; }
    @Override public io.opentelemetry.sdk.common.export.Compressor getCompressor() { return null; }
    @Override public Duration getTimeout() { return timeout; }
    @Override public Duration getConnectTimeout() { return Duration.ofSeconds(1); }
    @Override public java.util.function.Supplier<Map<String, List<String>>> getHeadersSupplier() {
      return () -> Map.of("X-Tenant", List.of("blue"), "Bad\r\nHeader", List.of("x"));
    }
    @Override public io.opentelemetry.sdk.common.export.ProxyOptions getProxyOptions() { return null; }
    @Override public RetryPolicy getRetryPolicy() { return retry; }
    @Override public javax.net.ssl.SSLContext getSslContext() { return null; }
    @Override public javax.net.ssl.X509TrustManager getTrustManager() { return null; }
    @Override public java.util.concurrent.ExecutorService getExecutorService() { return null; }
    @Override public long getMaxResponseBodySize() { return maxBody; }
    @Override public List<String> getEnabledProtocols() { return null; }
  }

  private static MessageWriter message(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    return new MessageWriter() {
      @Override
      public void writeMessage(OutputStream out) throws IOException {
        out.write(bytes);
      }

      @Override
      public int getContentLength() {
        return bytes.length;
      }
    };
  }

  /** The response, or the error, of one send. */
  private static Object send(HttpSender sender, MessageWriter message) throws Exception {
    CompletableFuture<Object> result = new CompletableFuture<>();
    sender.send(message, result::complete, result::complete);
    try {
      return result.get(20, TimeUnit.SECONDS);
    } finally {
      sender.shutdown();
    }
  }

  @Test
  void postsTheMessageWithItsHeadersAndReadsAChunkedAnswer() throws Exception {
    URI endpoint = serve(new int[] {200}, "accepted");
    Object result = send(new CleartextHttpSender(new Config(endpoint)), message("payload-1"));

    assertThat(result).isInstanceOf(HttpResponse.class);
    HttpResponse response = (HttpResponse) result;
    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(new String(response.getResponseBody(), StandardCharsets.UTF_8)).isEqualTo("accepted");
    assertThat(bodies).hasSize(1);
    assertThat(new String(bodies.get(0), StandardCharsets.UTF_8)).isEqualTo("payload-1");
    Map<String, List<String>> headers = requestHeaders.get(0);
    assertThat(headers.get("Content-type")).containsExactly("application/x-protobuf");
    assertThat(headers.get("X-tenant")).containsExactly("blue");
    assertThat(headers.get("Content-length")).containsExactly("9");
    assertThat(headers.keySet()).noneMatch(name -> name.startsWith("Bad"));
  }

  @Test
  void retriesAnUnavailableCollectorAndReturnsItsLastAnswer() throws Exception {
    URI endpoint = serve(new int[] {503, 503, 200}, "busy", "busy", "ok");
    HttpResponse response = (HttpResponse) send(new CleartextHttpSender(new Config(endpoint)), message("m"));
    assertThat(response.getStatusCode()).isEqualTo(200);
    assertThat(bodies).hasSize(3);

    bodies.clear();
    stop();
    URI always = serve(new int[] {503}, "busy");
    HttpResponse refused = (HttpResponse) send(new CleartextHttpSender(new Config(always)), message("m"));
    assertThat(refused.getStatusCode()).isEqualTo(503);
    assertThat(new String(refused.getResponseBody(), StandardCharsets.UTF_8)).isEqualTo("busy");
    assertThat(bodies).as("max attempts").hasSize(3);
  }

  @Test
  void aClientErrorIsNotRetried() throws Exception {
    URI endpoint = serve(new int[] {400}, "bad");
    HttpResponse response = (HttpResponse) send(new CleartextHttpSender(new Config(endpoint)), message("m"));
    assertThat(response.getStatusCode()).isEqualTo(400);
    assertThat(bodies).hasSize(1);
  }

  @Test
  void aResponseLargerThanAllowedIsAnError() throws Exception {
    URI endpoint = serve(new int[] {200}, "x".repeat(5000));
    Config config = new Config(endpoint);
    config.maxBody = 100;
    Object result = send(new CleartextHttpSender(config), message("m"));
    assertThat(result).isInstanceOf(CleartextHttpSender.ResponseTooLarge.class);
    assertThat(bodies).as("not retried").hasSize(1);
  }

  @Test
  void aRefusedConnectionIsAnErrorAfterTheRetries() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Object result = send(new CleartextHttpSender(new Config(URI.create("http://127.0.0.1:" + port + "/v1/metrics"))),
        message("m"));
    assertThat(result).isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void aCollectorThatNeverAnswersTimesOutWithinTheExportTimeout() throws Exception {
    try (ServerSocket silent = new ServerSocket(0)) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor = new Thread(() -> {
        try {
          while (true) {
            accepted.add(silent.accept());
          }
        } catch (IOException closed) {
          // done
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      Config config = new Config(URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/v1/metrics"));
      config.timeout = Duration.ofMillis(700);
      long start = System.nanoTime();
      Object result = send(new CleartextHttpSender(config), message("m"));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(result).isInstanceOf(java.net.SocketTimeoutException.class);
      assertThat(millis).isBetween(600L, 3000L);
    }
  }

  /** Through the real OTLP exporter, which picks the sender through {@link HttpSenders}: gzip, headers. */
  @Test
  void theOtlpExporterSendsThroughItCompressed() throws Exception {
    URI endpoint = serve(new int[] {200}, "");
    OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
        .setEndpoint(endpoint.toString())
        .setCompression("gzip")
        .addHeader("authorization", "Bearer t")
        .setComponentLoader(new HttpSenders(ComponentLoader.forClassLoader(getClass().getClassLoader()), false))
        .build();
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (SdkMeterProvider provider = SdkMeterProvider.builder().registerMetricReader(reader).build()) {
      provider.get("test").counterBuilder("sender.test.count").build().add(7);
      CompletableResultCode result = exporter.export(reader.collectAllMetrics());
      assertThat(result.join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    } finally {
      exporter.shutdown().join(5, TimeUnit.SECONDS);
    }
    assertThat(requestHeaders.get(0).get("Content-encoding")).containsExactly("gzip");
    assertThat(requestHeaders.get(0).get("Authorization")).containsExactly("Bearer t");
    assertThat(requestHeaders.get(0).get("User-agent").get(0)).startsWith("OTel-OTLP-Exporter-Java");
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(bodies.get(0)))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.ISO_8859_1)).contains("sender.test.count");
    }
  }

  /** The provider {@link HttpSenders} hands the exporter picks this sender for http:// only. */
  @Test
  void httpsAndProxiesAreLeftToTheJdkSender() {
    HttpSenderProvider jdk = new HttpSenderProvider() {
      @Override
      public HttpSender createSender(HttpSenderConfig config) {
        return null;
      }
    };
    CleartextSenders senders = new CleartextSenders(jdk, true);
    assertThat(senders.createSender(new Config(URI.create("http://collector:4318/v1/metrics"))))
        .isInstanceOf(CleartextHttpSender.class);
    assertThat(senders.createSender(new Config(URI.create("https://collector:4318/v1/metrics")))).isNull();
  }
}
