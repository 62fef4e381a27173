package dev.spillway.it.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.ReactorApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Project Reactor's schedulers (reactor-core 3.7, as Spring WebFlux uses it): each worker is a
 * single-thread executor, all of one scheduler made by one thread factory. Each scheduler must be
 * one series, its workers summed, not one series per worker numbered in start order. A bounded
 * elastic scheduler's worker bounds its queue itself and refuses past it with an exception of its
 * own, which the JDK pool never sees: that capacity and those refusals must be reported. And its
 * limits are its own (how many workers it may add), not those of the workers alive now.
 */
class ReactorSchedulersIT {

  private static final String NAME = "jvm.executor.name";

  @Test
  void eachSchedulerIsOneSeriesOfAllItsWorkers() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AgentJvm app = AgentJvm.builder(ReactorApp.class).testClasspath().exportTo(receiver).start()) {
      app.awaitAgentStarted();
      app.awaitOutput("READY");
      assertThat(app.ask("hold", "HELD")).isEqualTo("HELD");
      // tiny: 1 worker running, 2 queued (its cap), 3 refused by Reactor.
      assertThat(app.ask("flood", "FLOODED")).isEqualTo("FLOODED refused=3");

      // blocking: 3 workers running, the 4 other tasks queued on them; cpu: its 2 workers running.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("jvm.executor.thread.count", NAME, "blocking", "jvm.executor.thread.state", "active"))
            .hasValue(3);
        assertThat(m.latest("jvm.executor.queue.size", NAME, "blocking")).hasValue(4);
        assertThat(m.latest("jvm.executor.thread.limit", NAME, "blocking")).hasValue(3);
        assertThat(m.latest("jvm.executor.thread.count", NAME, "cpu", "jvm.executor.thread.state", "active"))
            .hasValue(2);
        assertThat(m.latest("jvm.executor.thread.limit", NAME, "cpu")).hasValue(2);
        assertThat(m.latest("jvm.executor.queue.size", NAME, "tiny")).hasValue(2);
        assertThat(m.latest("jvm.executor.queue.capacity", NAME, "tiny")).hasValue(2);
        assertThat(m.latest("jvm.executor.task.rejected", NAME, "tiny", "jvm.executor.rejection.reason", "saturated"))
            .hasValue(3);
      });
      // Each of blocking's 3 workers queues at most 100: the scheduler, 300 (not unbounded). roomy
      // has 1 worker alive of the 4 it may have: its limits are the scheduler's, not the worker's.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("jvm.executor.queue.capacity", NAME, "blocking")).hasValue(300);
        assertThat(m.latest("jvm.executor.thread.count", NAME, "roomy", "jvm.executor.thread.state", "active"))
            .hasValue(1);
        assertThat(m.latest("jvm.executor.thread.limit", NAME, "roomy")).hasValue(4);
        assertThat(m.latest("jvm.executor.queue.capacity", NAME, "roomy")).hasValue(40);
      });
      assertThat(Cli.statusRow(app.pid(), "executor", "roomy")).contains("\"capacity\": 40", "\"active\": 1",
          "\"max\": 4", "\"saturation\": 0.2500");
      assertThat(receiver.metrics().attributeValues("jvm.executor.queue.size", NAME))
          .contains("blocking", "cpu").noneMatch(name -> name.contains("#"));
      // The command line shows the same: one row per scheduler.
      assertThat(Cli.statusRow(app.pid(), "executor", "blocking")).contains("\"depth\": 4", "\"active\": 3",
          "\"max\": 3");
      assertThat(Cli.statusRow(app.pid(), "executor", "tiny")).contains("\"depth\": 2", "\"capacity\": 2",
          "\"saturation\": 1.0000", "\"rejected\": 3");

      assertThat(app.ask("release", "DONE")).isEqualTo("DONE");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("jvm.executor.task.completed", NAME, "blocking")).hasValue(7);
        assertThat(m.latest("jvm.executor.task.completed", NAME, "cpu")).hasValue(2);
        assertThat(m.latest("jvm.executor.queue.size", NAME, "blocking")).hasValue(0);
      });
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
