package dev.spillway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.JettyServerApp;
import dev.spillway.it.support.MetricsView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedded Jetty 12 under {@code -javaagent}, serving real HTTP: its {@code QueuedThreadPool}
 * ({@code http-worker}: 4 threads, of which the acceptor and the selector hold two, a job queue of
 * 2) is an executor series under its own name; a full pool's refusals are counted and the client
 * sees the connection closed; a shedding rule refuses the same way. Counts are of jobs: Jetty runs
 * its own jobs on the pool too, and refuses those as well while its bounded queue is full (Jetty
 * warns against bounded queues for that reason), so they are at least the refused connections.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JettyThreadPoolIT {

  static final String TYPE = "org.eclipse.jetty.util.thread.QueuedThreadPool";
  static final String NAME = "http-worker";

  ServerRig server;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = ServerRig.underAgent(JettyServerApp.class, dir,
        ServerRig.libraries("jetty12", "").andThen(ServerRig.libraries("common", "slf4j")));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  @Order(1)
  void thePoolIsAnExecutorSeriesUnderItsOwnName() throws Exception {
    assertThat(server.get("/fast")).startsWith("HTTP/1.1 200").endsWith("fast done");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", NAME, "jvm.executor.type", TYPE))
          .hasValue(4);
      assertThat(m.latest("jvm.executor.thread.core", "jvm.executor.name", NAME)).hasValue(4);
      assertThat(m.latest("jvm.executor.queue.capacity", "jvm.executor.name", NAME)).hasValue(2);
      // The acceptor and the selector run in the pool for good.
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", NAME,
          "jvm.executor.thread.state", "active")).hasValue(2);
    });
    assertThat(server.receiver.metrics().latest("jvm.executor.task.completed", "jvm.executor.name", NAME)).isEmpty();
  }

  @Test
  @Order(1)
  void jettysSchedulerIsNamedTheSameAtEveryStart() throws Exception {
    assertThat(server.get("/fast")).startsWith("HTTP/1.1 200");
    // Its threads are "Scheduler-" + its identity hash: named by the class that built it instead.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
        server.receiver.metrics().attributeValues("jvm.executor.queue.size", "jvm.executor.name"))
        .contains("org.eclipse.jetty.util.thread.ScheduledExecutorScheduler")
        .noneMatch(name -> name.matches(".*\\d{7,}.*")));
  }

  @Test
  @Order(2)
  void aFullPoolClosesConnectionsAndEachRefusalIsCountedOnce() throws Exception {
    List<HttpProbe> held = fill(2);
    for (int i = 0; i < 2; i++) {
      assertThat(server.get("/fast")).isEqualTo(HttpProbe.CLOSED);
    }
    // Jobs are counted, not connections: Jetty may refuse its own jobs too while the queue is full.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.receiver.metrics().latest(
        "jvm.executor.task.rejected", "jvm.executor.name", NAME, "jvm.executor.rejection.reason", "saturated",
        "jvm.executor.rejection.policy", "abort").orElse(0)).isGreaterThanOrEqualTo(2));
    drain(held);
  }

  @Test
  @Order(3)
  void aSheddingRuleRefusesTheSameWay() throws Exception {
    server.applyRule("front-door", "http-worker", 1);
    List<HttpProbe> held = fill(1);
    for (int i = 0; i < 2; i++) {
      assertThat(server.get("/fast")).isEqualTo(HttpProbe.CLOSED);
    }
    // Jetty runs its own jobs in the same pool (closing a refused connection's endpoint is one):
    // the rule refuses those too, as Jetty's own full queue would. Every refusal is one shed.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      long shed = m.latest("jvm.executor.task.rejected", "jvm.executor.name", NAME,
          "jvm.executor.rejection.reason", "shed").orElse(0);
      assertThat(shed).isGreaterThanOrEqualTo(2);
      assertThat(m.latest("spillway.shed", "spillway.rule.name", "front-door").orElse(0))
          .isGreaterThanOrEqualTo(2);
    });
    // The rule off, Jetty serves as before.
    server.clearRules();
    drain(held);
    assertThat(server.get("/fast")).startsWith("HTTP/1.1 200");
  }

  /** Holds the two free threads with slow requests, one at a time, then queues {@code queued}. */
  private List<HttpProbe> fill(int queued) throws Exception {
    return server.fill(NAME, 2, queued);
  }

  /**
   * Lets the held requests finish: each gets its response, or was closed (Jetty's own full queue
   * may have refused one of its jobs); then Jetty serves again.
   */
  private void drain(List<HttpProbe> held) throws Exception {
    server.release(held);
    for (HttpProbe probe : held) {
      String response = probe.response();
      assertThat(response.equals(HttpProbe.CLOSED) || response.startsWith("HTTP/1.1 200")).as(response).isTrue();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> server.get("/fast").startsWith("HTTP/1.1 200"));
  }
}
