package dev.spillway.it.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.WorkloadApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OTLP over gRPC, chosen the standard way or for Spillway alone. */
class GrpcExportIT {

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
  void exportsOverGrpcWhenTheEnvironmentSaysSo() {
    try (AgentJvm app = AgentJvm.builder(WorkloadApp.class)
        .env("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
        .env("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.grpcEndpoint())
        .env("OTEL_METRIC_EXPORT_INTERVAL", "200")
        .start()) {
      assertThat(app.awaitAgentStarted()).contains("via otlp to " + receiver.grpcEndpoint() + " (grpc)");
      runWorkloadAndExpectItOverGrpc(app);
    }
  }

  @Test
  void spillwayOnlySettingsOverrideTheSharedOnes() throws IOException {
    try (AgentJvm app = AgentJvm.builder(WorkloadApp.class)
        // What the application (or another agent) uses: HTTP to a collector Spillway must not use.
        .property("otel.exporter.otlp.protocol", "http/protobuf")
        .property("otel.exporter.otlp.endpoint", "http://127.0.0.1:" + closedPort())
        .property("otel.metric.export.interval", "200")
        // Spillway's own choice.
        .property("spillway.otel.exporter.otlp.protocol", "grpc")
        .property("spillway.otel.exporter.otlp.endpoint", receiver.grpcEndpoint())
        .start()) {
      assertThat(app.awaitAgentStarted()).contains("via otlp to " + receiver.grpcEndpoint() + " (grpc)");
      runWorkloadAndExpectItOverGrpc(app);
    }
  }

  /**
   * The gRPC client's threads (the relocated OkHttp's shared task runner, idle threads of which
   * otherwise live 60 s after their last task, each holding the detached agent's classes) end at
   * the detach. Okio's timeout watchdog, one thread, still ends only after 60 s idle (README Limits).
   */
  @Test
  void aDetachEndsTheGrpcClientsTaskThreads() {
    try (AgentJvm app = AgentJvm.builder(WorkloadApp.class).withoutAgent().start()) {
      String pid = Long.toString(app.pid());
      Cli.Result attach = Cli.run("attach", pid, "otel.exporter.otlp.protocol=grpc",
          "otel.exporter.otlp.endpoint=" + receiver.grpcEndpoint(), "otel.metric.export.interval=200");
      assertThat(attach.exitCode).as("%s", attach).isZero();
      await().atMost(Duration.ofSeconds(20)).until(() -> receiver.grpcExports() >= 3);
      assertThat(app.threadNames()).as("while attached").contains("OkHttp TaskRunner");

      Cli.Result detach = Cli.run("detach", pid);
      assertThat(detach.exitCode).as("%s", detach).isZero();
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(app.threadNames())
          .as("threads after the detach").doesNotContain("OkHttp TaskRunner", "okhttp-dispatch"));
    }
  }

  private void runWorkloadAndExpectItOverGrpc(AgentJvm app) {
    app.send("go");
    assertThat(app.awaitOutput("RESULT")).isEqualTo("RESULT tasks=1000 sum=333833500");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.core", "jvm.executor.name", "ledger")).hasValue(2);
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", "ledger")).hasValue(4);
      assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", "ledger")).hasValue(1000);
    });
    assertThat(receiver.grpcExports()).isPositive();
    assertThat(receiver.httpExports()).isZero();
    app.send("exit");
    assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
    assertThat(app.agentProblems()).isEmpty();
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
