package dev.spillway.it.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.TomcatServerApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Libraries;
import dev.spillway.it.support.OtlpReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Tomcat 10.1 beside the OpenTelemetry Java agent, which makes a SERVER span per request.
 *
 * <ul>
 *   <li>A task the request queues on the connector's executor while its span is current
 *       ({@code AsyncContext.start}), waiting behind the request itself on the only worker, makes
 *       Spillway's wait span inside the request's trace;
 *   <li>a request that waits in the same queue for a worker makes none: Tomcat queues its socket
 *       before the request is read, so no trace exists at submit (README, Traces). Its wait is in
 *       {@code jvm.executor.wait_time}.
 * </ul>
 */
class TomcatTracesIT {

  /** Port 0: the connector is {@code http-nio-auto-1}, its threads {@code http-nio-auto-1-exec-<n>}. */
  private static final String EXECUTOR = "http-nio-auto-1-exec";

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void aTaskQueuedInsideARequestGetsAWaitSpanInItsTraceAQueuedRequestNone() throws Exception {
    assertThat(OtelAgentIT.OTEL_AGENT).as("the OpenTelemetry Java agent, copied by the build").isRegularFile();
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      // One worker thread, a queue of 100, port 0.
      AgentJvm.Builder builder = AgentJvm.builder(TomcatServerApp.class).exportTo(receiver)
          .property("otel.logs.exporter", "none").property("otel.metric.export.interval", "200")
          .jvmArgAfterAgent("-javaagent:" + OtelAgentIT.OTEL_AGENT.toAbsolutePath()).args("0", "1", "100");
      Libraries.pool("tomcat-embed10", "").forEach(builder::classpath);
      try (AgentJvm app = builder.start()) {
        app.awaitAgentStarted();
        int port = Integer.parseInt(app.awaitOutput("READY port=").substring("READY port=".length()));
        String tomcatExecutor = "org.apache.tomcat.util.threads.ThreadPoolExecutor";

        // First a request queued behind a slow one: no trace exists when its socket is queued.
        int mark = app.outputMark();
        CompletableFuture<HttpResponse<String>> slow = http.sendAsync(request(port, "/slow"),
            HttpResponse.BodyHandlers.ofString());
        app.awaitOutputAfter(mark, line -> line.startsWith("IN_SLOW"), Duration.ofSeconds(30));
        CompletableFuture<HttpResponse<String>> fast = http.sendAsync(request(port, "/fast"),
            HttpResponse.BodyHandlers.ofString());
        // Queued (seen by a metric export), and then held past spillway.executor.slow-wait: had it
        // been traced, it would make a wait span.
        await(app, () -> receiver.metrics().latest("jvm.executor.queue.size", "jvm.executor.name", EXECUTOR)
            .orElse(0) >= 1 ? Boolean.TRUE : null, "/fast in Tomcat's queue");
        long queued = System.nanoTime();
        await(app, () -> System.nanoTime() - queued > 200_000_000L ? Boolean.TRUE : null, "200 ms");
        app.send("release 1");
        assertThat(slow.get().body()).isEqualTo("slow done");
        assertThat(fast.get().body()).isEqualTo("fast done");

        // Then the async task: queued by the request, inside its SERVER span.
        assertThat(get(port, "/async")).isEqualTo("async done");
        Span server = await(app, () -> OtelAgentIT.serverSpan(receiver, "/async"), "the SERVER span of /async");
        Span wait = AppSdkTracesIT.awaitSpan(receiver, app, "dev.spillway.executor", "jvm.executor.task.wait",
            span -> tomcatExecutor.equals(OtelAgentIT.attribute(span, "jvm.executor.type")));
        assertThat(OtelAgentIT.hex(wait.getTraceId())).as("trace of the wait span").isEqualTo(OtelAgentIT.hex(server.getTraceId()));
        assertThat(OtelAgentIT.hex(wait.getParentSpanId())).as("parent of the wait span")
            .isEqualTo(OtelAgentIT.hex(server.getSpanId()));
        assertThat(OtelAgentIT.attribute(wait, "jvm.executor.name")).isEqualTo(EXECUTOR);
        assertThat(OtelAgentIT.duration(wait)).as("it waited for the request to free the worker")
            .isGreaterThanOrEqualTo(TomcatServerApp.ASYNC_HOLD_MILLIS / 2 * 1_000_000L);
        // Spillway exports its spans in the order they ended: a wait span of the queued /fast
        // request would have come no later than this one. awaitSpan found exactly one.
        Span fastServer = await(app, () -> OtelAgentIT.serverSpan(receiver, "/fast"), "the SERVER span of /fast");
        assertThat(OtelAgentIT.spans(receiver, "dev.spillway.executor", "jvm.executor.task.wait"))
            .noneMatch(span -> span.getTraceId().equals(fastServer.getTraceId()));
        assertThat(app.agentProblems()).as("Spillway's warnings").isEmpty();
      }
    }
  }

  private HttpRequest request(int port, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30)).build();
  }

  private String get(int port, String path) throws Exception {
    HttpResponse<String> response = http.send(request(port, path), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static <T> T await(AgentJvm app, Supplier<T> lookup, String what) {
    return OtelAgentIT.awaitFound(lookup, () -> "no " + what + " within 30 s\n" + app);
  }
}
