package dev.spillway.it.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.VertxApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Vert.x 5's worker pool, a JDK {@code ThreadPoolExecutor}, with the task queue Vert.x keeps in
 * front of it for ordered {@code executeBlocking} calls: while one of a verticle's ordered calls
 * runs, the others wait in that queue, not in the pool's. They must show in the pool's
 * {@code queue.size}, or a verticle whose blocking calls pile up looks like an idle pool.
 */
class VertxWorkerPoolIT {

  private static final String NAME = "jvm.executor.name";
  private static final String POOL = "vert.x-worker-thread";

  @Test
  void orderedBlockingCallsWaitingInFrontOfTheWorkerPoolAreItsQueue() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AgentJvm app = AgentJvm.builder(VertxApp.class).testClasspath().exportTo(receiver).start()) {
      app.awaitAgentStarted();
      app.awaitOutput("READY");
      assertThat(app.ask("hold", "HELD")).isEqualTo("HELD");

      // 1 ordered call and the 3 unordered ones run; the 11 other ordered calls wait in Vert.x's queue.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("jvm.executor.thread.count", NAME, POOL, "jvm.executor.thread.state", "active"))
            .hasValue(4);
        assertThat(m.latest("jvm.executor.queue.size", NAME, POOL)).hasValue(11);
        assertThat(m.latest("jvm.executor.thread.limit", NAME, POOL)).hasValue(20);
      });
      assertThat(Cli.statusRow(app.pid(), "executor", POOL)).contains("\"depth\": 11", "\"active\": 4",
          "\"max\": 20");

      assertThat(app.ask("release", "DONE")).isEqualTo("DONE");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(receiver.metrics().latest("jvm.executor.queue.size", NAME, POOL)).hasValue(0));
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
