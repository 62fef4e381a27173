package dev.spillway.it.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.BoundedPoolApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The foundation scenario: a saturated bounded pool, measured exactly over real OTLP.
 * {@link BoundedPoolJdk25IT} runs the same on JDK 25.
 */
class BoundedPoolIT {

  static final String ORDERS = "orders-worker";
  static final String TPE = "java.util.concurrent.ThreadPoolExecutor";

  OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  /** The JDK to run the application on. */
  Path javaHome() {
    return Path.of(System.getProperty("java.home"));
  }

  @Test
  void reportsQueueThreadsRejectionsAndWaitTimeExactly() {
    try (AgentJvm app = AgentJvm.builder(BoundedPoolApp.class).javaHome(javaHome()).exportTo(receiver).start()) {
      app.awaitAgentStarted();
      app.send("go");
      assertThat(app.awaitOutput("QUEUED")).isEqualTo("QUEUED 3 REJECTED 4 CALLER_RAN 1");

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", ORDERS)).hasValue(3);
        assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", ORDERS)).hasValue(4);
        // The reports executor refuses after the orders one: an export may fall in between.
        assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", "reports")).hasValue(1);
      });
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.queue.capacity", "jvm.executor.name", ORDERS)).hasValue(3);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", ORDERS,
          "jvm.executor.thread.state", "active")).hasValue(2);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", ORDERS,
          "jvm.executor.thread.state", "idle")).hasValue(0);
      assertThat(m.latest("jvm.executor.thread.core", "jvm.executor.name", ORDERS)).hasValue(2);
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", ORDERS)).hasValue(2);
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", ORDERS,
          "jvm.executor.rejection.reason", "saturated", "jvm.executor.rejection.policy", "abort",
          "jvm.executor.type", TPE)).hasValue(4);
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", "reports",
          "jvm.executor.rejection.reason", "saturated", "jvm.executor.rejection.policy", "caller_runs"))
          .hasValue(1);
      // Only the application's executors: the SDK's and the HTTP client's own are never counted.
      assertThat(m.attributeValues("jvm.executor.thread.core", "jvm.executor.name"))
          .containsExactlyInAnyOrder(ORDERS, "reports");
      // A SynchronousQueue holds nothing: capacity 0, which is the truth.
      assertThat(m.latest("jvm.executor.queue.capacity", "jvm.executor.name", "reports")).hasValue(0);

      app.send("release");
      String[] done = app.awaitOutput("DONE").split(" ");
      long heldMillis = Long.parseLong(done[1].substring("held_ms=".length()));
      long runningMillis = Long.parseLong(done[2].substring("running_ms=".length()));
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        MetricsView now = receiver.metrics();
        Optional<HistogramDataPoint> wait =
            now.latestHistogram("jvm.executor.task.wait.duration", "jvm.executor.name", ORDERS);
        Optional<HistogramDataPoint> run =
            now.latestHistogram("jvm.executor.task.duration", "jvm.executor.name", ORDERS);
        assertThat(wait).isPresent();
        assertThat(wait.get().getCount()).isEqualTo(5);
        assertThat(run).isPresent();
        assertThat(run.get().getCount()).isEqualTo(5);
        assertThat(now.latest("jvm.executor.task.completed", "jvm.executor.name", ORDERS)).hasValue(5);
      });
      MetricsView after = receiver.metrics();
      HistogramDataPoint wait =
          after.latestHistogram("jvm.executor.task.wait.duration", "jvm.executor.name", ORDERS).orElseThrow();
      // Two tasks went straight to new threads (0 s); three waited at least as long as they were held.
      assertThat(wait.getSum()).isGreaterThanOrEqualTo(3 * heldMillis / 1000.0);
      assertThat(wait.getBucketCounts(0)).isEqualTo(2);
      HistogramDataPoint run =
          after.latestHistogram("jvm.executor.task.duration", "jvm.executor.name", ORDERS).orElseThrow();
      // The two first tasks ran from their start until the release.
      assertThat(run.getSum()).isGreaterThanOrEqualTo(2 * runningMillis / 1000.0);
      assertThat(after.metric("jvm.executor.task.wait.duration").orElseThrow().getUnit()).isEqualTo("s");
      assertThat(after.metric("jvm.executor.queue.size").orElseThrow().getUnit()).isEqualTo("{task}");
      assertThat(after.metric("jvm.executor.task.completed").orElseThrow().getSum().getIsMonotonic()).isTrue();
      assertThat(after.resource()).containsEntry("service.name", "spillway-it");

      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
