package dev.spillway.it.support;

import com.google.protobuf.InvalidProtocolBufferException;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP receiver for tests: OTLP/HTTP (protobuf, optionally gzip) on one port and OTLP/gRPC
 * on another, both on loopback, decoding the payloads with the opentelemetry-proto classes.
 */
public final class OtlpReceiver implements AutoCloseable {

  private final HttpServer http;
  private final Server grpc;
  /** What each metrics export carried, with the export's number (1, 2...). */
  private final List<Map.Entry<Integer, ResourceMetrics>> metrics = new CopyOnWriteArrayList<>();
  private final List<ResourceSpans> spans = new CopyOnWriteArrayList<>();
  private final AtomicInteger metricExports = new AtomicInteger();
  private final AtomicInteger grpcExports = new AtomicInteger();
  private final AtomicInteger httpExports = new AtomicInteger();

  private OtlpReceiver(HttpServer http, Server grpc) {
    this.http = http;
    this.grpc = grpc;
  }

  public static OtlpReceiver start() throws IOException {
    HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.setExecutor(Executors.newFixedThreadPool(2));
    OtlpReceiver[] self = new OtlpReceiver[1];
    http.createContext("/v1/metrics", exchange -> self[0].handleMetrics(exchange));
    http.createContext("/v1/traces", exchange -> self[0].handleTraces(exchange));
    http.createContext("/v1/logs", exchange -> respond(exchange, 200, new byte[0]));
    Server grpc = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new MetricsServiceGrpc.MetricsServiceImplBase() {
          @Override
          public void export(ExportMetricsServiceRequest request,
              StreamObserver<ExportMetricsServiceResponse> response) {
            self[0].grpcExports.incrementAndGet();
            self[0].accept(request);
            response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
            response.onCompleted();
          }
        })
        .addService(new TraceServiceGrpc.TraceServiceImplBase() {
          @Override
          public void export(ExportTraceServiceRequest request,
              StreamObserver<ExportTraceServiceResponse> response) {
            self[0].grpcExports.incrementAndGet();
            self[0].spans.addAll(request.getResourceSpansList());
            response.onNext(ExportTraceServiceResponse.getDefaultInstance());
            response.onCompleted();
          }
        })
        .build();
    self[0] = new OtlpReceiver(http, grpc);
    http.start();
    grpc.start();
    return self[0];
  }

  /** Base URL of the OTLP/HTTP endpoint, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} takes it. */
  public String httpEndpoint() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  /** URL of the OTLP/gRPC endpoint. */
  public String grpcEndpoint() {
    return "http://127.0.0.1:" + grpc.getPort();
  }

  /** Every resource-metrics block received, in arrival order. */
  public MetricsView metrics() {
    return metricsAfter(0);
  }

  /**
   * What came with the exports after the first {@code exports} ones (see {@link #metricExports()}).
   * For data collected after some moment, read {@code n = metricExports()} then and ask for
   * {@code metricsAfter(n + 1)}: export n + 1 may have been collected before, but the SDK sends
   * one export at a time, so later ones were collected after it arrived.
   */
  public MetricsView metricsAfter(int exports) {
    List<ResourceMetrics> after = new ArrayList<>();
    for (Map.Entry<Integer, ResourceMetrics> entry : metrics) {
      if (entry.getKey() > exports) {
        after.add(entry.getValue());
      }
    }
    return new MetricsView(after);
  }

  public List<ResourceSpans> spans() {
    return new ArrayList<>(spans);
  }

  /** Export requests received (HTTP and gRPC). */
  public int metricExports() {
    return metricExports.get();
  }

  /** Requests that came over gRPC. */
  public int grpcExports() {
    return grpcExports.get();
  }

  /** Requests that came over HTTP (metrics and traces). */
  public int httpExports() {
    return httpExports.get();
  }

  public void clear() {
    metrics.clear();
    spans.clear();
  }

  private void accept(ExportMetricsServiceRequest request) {
    List<Map.Entry<Integer, ResourceMetrics>> stamped = new ArrayList<>();
    synchronized (metricExports) {
      int export = metricExports.get() + 1;
      request.getResourceMetricsList().forEach(block -> stamped.add(Map.entry(export, block)));
      metrics.addAll(stamped);
      metricExports.set(export);
    }
  }

  private void handleMetrics(HttpExchange exchange) throws IOException {
    httpExports.incrementAndGet();
    try {
      accept(ExportMetricsServiceRequest.parseFrom(body(exchange)));
      respond(exchange, 200, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
    } catch (InvalidProtocolBufferException e) {
      respond(exchange, 400, new byte[0]);
    }
  }

  private void handleTraces(HttpExchange exchange) throws IOException {
    httpExports.incrementAndGet();
    try {
      spans.addAll(ExportTraceServiceRequest.parseFrom(body(exchange)).getResourceSpansList());
      respond(exchange, 200, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
    } catch (InvalidProtocolBufferException e) {
      respond(exchange, 400, new byte[0]);
    }
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      in = new GZIPInputStream(in);
    }
    try (InputStream body = in) {
      return body.readAllBytes();
    }
  }

  private static void respond(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      exchange.getResponseBody().write(body);
    }
    exchange.close();
  }

  @Override
  public void close() {
    http.stop(0);
    grpc.shutdownNow();
  }
}
