package dev.spillway.it.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.ScheduledLatenessApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.OtlpReceiver;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A scheduled task's wait counts from when it became due, not from when it was scheduled. */
class ScheduledExecutorIT {

  @Test
  void waitOfALateScheduledTaskIsMeasuredFromItsDueTime() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AgentJvm app = AgentJvm.builder(ScheduledLatenessApp.class).exportTo(receiver).start()) {
      app.awaitAgentStarted();
      app.send("go");
      app.awaitOutput("SCHEDULED");
      // Hold the only thread well past the due time: wait on the clock, not a guess.
      long sent = System.nanoTime();
      await().atMost(Duration.ofSeconds(5)).until(() -> System.nanoTime() - sent > 400_000_000L);
      app.send("release");
      long lateMillis = Long.parseLong(app.awaitOutput("RAN").substring("RAN late_ms=".length()));
      assertThat(lateMillis).as("the task ran late, as the scenario intends").isGreaterThan(300);

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        HistogramDataPoint wait = receiver.metrics()
            .latestHistogram("jvm.executor.task.wait.duration", "jvm.executor.name", "ticker")
            .orElseThrow(() -> new AssertionError("no wait histogram yet"));
        assertThat(wait.getCount()).isEqualTo(2);
      });
      HistogramDataPoint wait = receiver.metrics()
          .latestHistogram("jvm.executor.task.wait.duration", "jvm.executor.name", "ticker").orElseThrow();
      // The blocker ran at once; the scheduled task waited from its due time until the release,
      // and not from when it was scheduled (50 ms earlier).
      assertThat(wait.getSum()).isBetween(lateMillis / 1000.0, (lateMillis + 45) / 1000.0 + 0.2);
      assertThat(wait.getMax()).isGreaterThanOrEqualTo(lateMillis / 1000.0);
      assertThat(receiver.metrics().latest("jvm.executor.thread.core", "jvm.executor.name", "ticker",
          "jvm.executor.type", "java.util.concurrent.ScheduledThreadPoolExecutor")).hasValue(1);
      // Scheduled executors have an unbounded delay queue and no useful thread limit.
      assertThat(receiver.metrics().latest("jvm.executor.queue.capacity", "jvm.executor.name", "ticker")).isEmpty();
      assertThat(receiver.metrics().latest("jvm.executor.thread.limit", "jvm.executor.name", "ticker")).isEmpty();
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
