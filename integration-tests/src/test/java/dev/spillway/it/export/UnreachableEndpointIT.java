package dev.spillway.it.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.WorkloadApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.OtlpReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What goes wrong outside the application costs it nothing and costs the operator one line: a
 * collector that is not there, a malformed value, a misspelt key.
 */
class UnreachableEndpointIT {

  static final String RESULT = "RESULT tasks=1000 sum=333833500";

  @Test
  void deadCollectorIsReportedOnceAndTheApplicationIsUnaffected() throws IOException {
    String endpoint = "http://127.0.0.1:" + closedPort();
    try (AgentJvm app = AgentJvm.builder(WorkloadApp.class)
        .property("otel.exporter.otlp.endpoint", endpoint)
        .property("otel.metric.export.interval", "100")
        // Each export fails at once instead of retrying for seconds, so that many fail here.
        .property("otel.java.exporter.otlp.retry.disabled", "true")
        // Debug output shows each failed export, which is how the test counts them.
        .property("spillway.log.level", "debug")
        .start()) {
      app.awaitAgentStarted();
      app.send("go");
      assertThat(app.awaitOutput("RESULT")).isEqualTo(RESULT);

      String warning = app.awaitError(line -> line.startsWith("[spillway] WARN"), Duration.ofSeconds(20));
      assertThat(warning).startsWith("[spillway] WARN cannot export metrics to " + endpoint
          + "/v1/metrics (http/protobuf): ConnectException");
      // Twenty more failed exports, and still that one line.
      long failedBefore = failedExports(app);
      await().atMost(Duration.ofSeconds(20))
          .untilAsserted(() -> {
            assertThat(app.agentProblems()).containsExactly(warning);
            assertThat(failedExports(app)).isGreaterThanOrEqualTo(failedBefore + 20);
          });
      assertThat(app.agentProblems()).containsExactly(warning);

      assertExitsPromptly(app);
      assertThat(app.agentProblems()).containsExactly(warning);
    }
  }

  @Test
  void withRetriesTheWarningNamesTheCollectorsFailureAndExitDoesNotWaitForThem() throws IOException {
    String endpoint = "http://127.0.0.1:" + closedPort();
    try (AgentJvm app = AgentJvm.builder(WorkloadApp.class)
        .property("otel.exporter.otlp.endpoint", endpoint)
        .property("otel.metric.export.interval", "200")
        .start()) {
      app.awaitAgentStarted();
      app.send("go");
      assertThat(app.awaitOutput("RESULT")).isEqualTo(RESULT);
      // The first export retries with back-off for some seconds while the reader's intervals pass;
      // the warning still says what the collector did, not that exports piled up behind it.
      String warning = app.awaitError(line -> line.startsWith("[spillway] WARN"), Duration.ofSeconds(30));
      assertThat(warning).startsWith("[spillway] WARN cannot export metrics to " + endpoint
          + "/v1/metrics (http/protobuf): ConnectException");
      // The next export is retrying now: the exit does not wait for it.
      assertExitsPromptly(app);
      assertThat(app.agentProblems()).containsExactly(warning);
    }
  }

  @Test
  void exitDoesNotWaitForTheLastExportToADeadCollector() throws IOException {
    // No export before the exit: the last one, at shutdown, would retry for about 8 s.
    try (AgentJvm app = AgentJvm.builder(WorkloadApp.class)
        .property("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + closedPort())
        .property("otel.metric.export.interval", "600000")
        .start()) {
      app.awaitAgentStarted();
      app.send("go");
      assertThat(app.awaitOutput("RESULT")).isEqualTo(RESULT);
      assertExitsPromptly(app);
    }
  }

  @Test
  void eachConfigurationProblemIsOneLineNamingKeyValueAndWhatIsUsed() throws IOException {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AgentJvm app = AgentJvm.builder(WorkloadApp.class)
            .exportTo(receiver)
            .property("spillway.executor.max-tracked", "lots")
            .property("spillway.executer.enabled", "false")
            .start()) {
      app.awaitAgentStarted();
      app.send("go");
      assertThat(app.awaitOutput("RESULT")).isEqualTo(RESULT);
      assertThat(app.agentProblems()).containsExactlyInAnyOrder(
          "[spillway] WARN spillway.executor.max-tracked=lots (system property): not a whole number;"
              + " using 200",
          "[spillway] WARN unknown setting spillway.executer.enabled=false (system property);"
              + " did you mean spillway.executor.enabled?; ignored");
      // The misspelt key changed nothing: executors are still tracked.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(receiver.metrics().latest("jvm.executor.task.completed", "jvm.executor.name", "ledger"))
              .hasValue(1000));
      assertExitsPromptly(app);
      assertThat(app.agentProblems()).hasSize(2);
    }
  }

  private static void assertExitsPromptly(AgentJvm app) {
    long asked = System.nanoTime();
    app.send("exit");
    assertThat(app.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(5));
  }

  /** Collection cycles whose export failed, from the SDK's debug output. */
  private static long failedExports(AgentJvm app) {
    return app.stderr().stream()
        .filter(line -> line.startsWith("[spillway] DEBUG") && line.contains(".PeriodicMetricReader)")
            && line.endsWith("Exporter failed"))
        .count();
  }

  /** A loopback port nothing listens on: bound, then released. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
