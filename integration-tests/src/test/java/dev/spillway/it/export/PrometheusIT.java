package dev.spillway.it.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.it.apps.TracedSdkApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Libraries;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code OTEL_METRICS_EXPORTER=prometheus}: Spillway serves its metrics for Prometheus on the port
 * of the standard settings, scraped here with a real HTTP client; without it, no port is opened.
 */
class PrometheusIT {

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void servesTheExpositionOnTheStandardHostAndPort() throws Exception {
    int port = freePort();
    AgentJvm.Builder builder = app("prometheus", port);
    try (AgentJvm app = builder.start()) {
      assertThat(app.awaitAgentStarted()).contains("serving metrics for Prometheus on http://127.0.0.1:" + port
          + "/metrics");
      app.send("start");
      app.awaitOutput("ready");

      // 'guarded' has one worker, held: one active thread, nothing queued.
      Pattern active = Pattern.compile("(?m)^jvm_executor_thread_count\\{(?=[^}]*jvm_executor_name=\"guarded\")"
          + "(?=[^}]*jvm_executor_thread_state=\"active\")[^}]*\\} 1(\\.0)?$");
      String exposition = awaitScrape(port, active);
      assertThat(exposition).containsPattern("(?m)^# TYPE jvm_executor_thread_count gauge$")
          .containsPattern("(?m)^jvm_executor_queue_size\\{(?=[^}]*jvm_executor_name=\"guarded\")[^}]*\\} 0(\\.0)?$")
          .containsPattern("(?m)^jvm_executor_task_completed(_total)?\\{(?=[^}]*jvm_executor_name=\"guarded\")");

      // What Prometheus asks for by default: OpenMetrics first.
      HttpResponse<String> openMetrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
          .header("Accept", "application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.3")
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(openMetrics.statusCode()).isEqualTo(200);
      assertThat(openMetrics.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
          assertThat(type).startsWith("application/openmetrics-text"));
      assertThat(openMetrics.body()).containsPattern("(?m)^jvm_executor_thread_count\\{").endsWith("# EOF\n");
      assertThat(app.agentProblems()).isEmpty();
    }
  }

  @Test
  void opensNoPortUnlessChosen() throws Exception {
    int port = freePort();
    AgentJvm.Builder builder = app("none", port);
    try (AgentJvm app = builder.start()) {
      app.awaitAgentStarted();
      app.send("start");
      app.awaitOutput("ready");
      assertThatThrownBy(() -> scrape(port)).isInstanceOf(ConnectException.class);
    }
  }

  private String awaitScrape(int port, Pattern expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = scrape(port);
      if (expected.matcher(last).find()) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no " + expected + " in the exposition within 30 s:\n" + last);
  }

  private String scrape(int port) throws IOException, InterruptedException {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** The traced application, exporting metrics with {@code exporter}, Prometheus's port set. */
  private static AgentJvm.Builder app(String exporter, int port) {
    AgentJvm.Builder builder = AgentJvm.builder(TracedSdkApp.class)
        .env("OTEL_METRICS_EXPORTER", exporter)
        .env("OTEL_TRACES_EXPORTER", "none")
        .env("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1")
        .env("OTEL_EXPORTER_PROMETHEUS_PORT", Integer.toString(port));
    Libraries.openTelemetry().forEach(builder::classpath);
    // The application also makes a wait span on Jetty's pool (see AppSdkTracesIT).
    Libraries.pool("jetty12", "jetty-util").forEach(builder::classpath);
    Libraries.pool("common", "slf4j").forEach(builder::classpath);
    return builder;
  }
}
