package dev.spillway.it.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.WorkloadApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Settings an operator gets wrong (issue 12): each refused value is one line naming the key, the
 * value and the default used, and export stays on with the defaults.
 */
class BadSettingsIT {

  static final String RESULT = "RESULT tasks=1000 sum=333833500";

  @Test
  void eachRefusedValueIsOneLineAndExportStaysOnWithTheDefaults() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AgentJvm app = AgentJvm.builder(WorkloadApp.class)
            .property("otel.exporter.otlp.endpoint", receiver.httpEndpoint())
            .env("OTEL_METRIC_EXPORT_INTERVAL", "-1")
            .env("OTEL_EXPORTER_OTLP_TIMEOUT", "-5")
            .property("spillway.otel.traces.exporter", "prometheus")
            .property("spillway.queue.details", "**;;[")
            .property("spillway.pool.max-tracked", "12345678901234567890")
            .start()) {
      String started = app.awaitAgentStarted();
      assertThat(started).contains("exporting metrics every 60000 ms via otlp to " + receiver.httpEndpoint());
      app.send("go");
      assertThat(app.awaitOutput("RESULT")).isEqualTo(RESULT);
      assertThat(app.agentProblems()).containsExactlyInAnyOrder(
          "[spillway] WARN spillway.queue.details=**;;[ (system property): entry 2 is empty (globs are separated"
              + " by single ';'); using nothing",
          "[spillway] WARN spillway.pool.max-tracked=12345678901234567890 (system property): out of range: must be"
              + " between 1 and 100000; using 200",
          "[spillway] WARN spillway.otel.traces.exporter=prometheus: Spillway does not ship prometheus (it exports"
              + " with otlp, console, logging-otlp or none); Spillway uses none",
          "[spillway] WARN OTEL_METRIC_EXPORT_INTERVAL (otel.metric.export.interval)=-1: must be more than 0;"
              + " Spillway uses the default, 60000 ms, and keeps exporting",
          "[spillway] WARN OTEL_EXPORTER_OTLP_TIMEOUT (otel.exporter.otlp.timeout)=-5: must be more than 0;"
              + " Spillway uses the default, 10000 ms, and keeps exporting");
    }
  }

  @Test
  void aNegativeTimeoutNoLongerFailsEveryExport() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AgentJvm app = AgentJvm.builder(WorkloadApp.class).exportTo(receiver)
            .env("OTEL_EXPORTER_OTLP_TIMEOUT", "-5")
            .start()) {
      app.awaitAgentStarted();
      app.send("go");
      assertThat(app.awaitOutput("RESULT")).isEqualTo(RESULT);
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(receiver.metrics().names()).contains("jvm.executor.task.completed"));
      assertThat(app.agentProblems()).containsExactly(
          "[spillway] WARN OTEL_EXPORTER_OTLP_TIMEOUT (otel.exporter.otlp.timeout)=-5: must be more than 0;"
              + " Spillway uses the default, 10000 ms, and keeps exporting");
    }
  }
}
