package dev.spillway.it.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.WorkloadApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code OTEL_METRICS_EXPORTER=console} prints the metrics; {@code none} sends and prints nothing. */
class ConsoleExporterIT {

  static final String RESULT = "RESULT tasks=1000 sum=333833500";

  OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void consolePrintsExecutorMetricsOnStandardError() {
    try (AgentJvm app = AgentJvm.builder(WorkloadApp.class)
        .env("OTEL_METRICS_EXPORTER", "console")
        .env("OTEL_METRIC_EXPORT_INTERVAL", "200")
        // Where OTLP would go: nothing may arrive there.
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.httpEndpoint())
        .start()) {
      assertThat(app.awaitAgentStarted()).contains("via LoggingMetricExporter");
      app.send("go");
      assertThat(app.awaitOutput("RESULT")).isEqualTo(RESULT);

      app.awaitError(line -> line.startsWith("metric: ") && line.contains("name=jvm.executor.thread.core,")
          && line.contains("jvm.executor.name=\"ledger\"") && line.contains("value=2,"), Duration.ofSeconds(10));
      app.awaitError(line -> line.startsWith("metric: ") && line.contains("name=jvm.executor.task.completed,")
          && line.contains("jvm.executor.name=\"ledger\"") && line.contains("value=1000,"), Duration.ofSeconds(10));

      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(receiver.metricExports()).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }

  @Test
  void noneExportsNothingAndSaysNothingWrong() {
    try (AgentJvm app = AgentJvm.builder(WorkloadApp.class)
        .env("OTEL_METRICS_EXPORTER", "none")
        .env("OTEL_METRIC_EXPORT_INTERVAL", "100")
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.httpEndpoint())
        .start()) {
      assertThat(app.awaitAgentStarted()).contains("not exporting metrics");
      app.send("go");
      assertThat(app.awaitOutput("RESULT")).isEqualTo(RESULT);

      // Twenty intervals' worth: not one export, not one printed metric, not one warning.
      await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() ->
          receiver.metricExports() == 0 && app.agentProblems().isEmpty()
              && app.stderr().stream().noneMatch(line -> line.contains("jvm.executor.")));

      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(receiver.metricExports()).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
