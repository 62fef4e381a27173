package dev.spillway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.UndertowServerApp;
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
 * An embedded Undertow 2.3 under {@code -javaagent}, serving real HTTP on its own XNIO worker
 * pool, a JBoss Threads {@code EnhancedQueueExecutor} (2 threads, worker name {@code http-worker}):
 * an executor series named as its threads are, with exact active, queued and completed counts
 * although the pool's own statistics are off; a shedding rule refuses as the pool's own full queue
 * does, and so does the pool once its queue is limited; each refusal counted once, the client
 * answered 503.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UndertowWorkerPoolIT {

  static final String TYPE = "org.jboss.threads.EnhancedQueueExecutor";
  static final String NAME = "http-worker task";
  /** Undertow's answer to a dispatch its worker pool refused: a 503 with an empty body. */
  static final String REFUSED = "HTTP/1.1 503 Service Unavailable";

  ServerRig server;
  /** Requests the worker pool has run to their end so far. */
  long completed;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    server = ServerRig.underAgent(UndertowServerApp.class, dir, ServerRig.libraries("undertow23", ""));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  @Order(1)
  void thePoolIsAnExecutorSeriesNamedAsItsThreads() throws Exception {
    assertThat(server.get("/fast")).startsWith("HTTP/1.1 200").endsWith("fast done");
    completed++;
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", NAME, "jvm.executor.type", TYPE))
          .hasValue(2);
      assertThat(m.latest("jvm.executor.thread.core", "jvm.executor.name", NAME)).hasValue(2);
      assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", NAME)).hasValue(completed);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", NAME,
          "jvm.executor.thread.state", "active")).hasValue(0);
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", NAME)).hasValue(0);
    });
    // Undertow leaves the queue unlimited: no capacity.
    assertThat(server.receiver.metrics().latest("jvm.executor.queue.capacity", "jvm.executor.name", NAME)).isEmpty();
  }

  @Test
  @Order(2)
  void heldWorkersQueuedAndCompletedRequestsAreExact() throws Exception {
    List<HttpProbe> held = fill(3);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", NAME,
          "jvm.executor.thread.state", "active")).hasValue(2);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", NAME,
          "jvm.executor.thread.state", "idle")).hasValue(0);
      assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", NAME)).hasValue(completed);
    });
    drain(held);
  }

  @Test
  @Order(3)
  void aSheddingRuleRefusesAsAFullQueueWouldAndTheClientGets503() throws Exception {
    server.applyRule("front-door", "http-worker*", 1);
    List<HttpProbe> held = fill(1);
    for (int i = 0; i < 2; i++) {
      assertThat(server.get("/fast")).startsWith(REFUSED).contains("Content-Length: 0");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", NAME,
          "jvm.executor.rejection.reason", "shed", "jvm.executor.rejection.policy", "abort")).hasValue(2);
      assertThat(m.latest("spillway.shed", "spillway.rule.name", "front-door")).hasValue(2);
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", NAME)).hasValue(1);
    });
    assertThat(server.receiver.metrics().latest("jvm.executor.task.rejected", "jvm.executor.name", NAME,
        "jvm.executor.rejection.reason", "saturated")).isEmpty();
    server.clearRules();
    drain(held);
  }

  @Test
  @Order(4)
  void itsOwnLimitedQueueRefusesTheSameWayCountedOnce() throws Exception {
    int out = server.app.outputMark();
    server.app.send("queue-limit 1");
    server.app.awaitOutputAfter(out, line -> line.equals("QUEUE_LIMIT 1"), Duration.ofSeconds(10));
    List<HttpProbe> held = fill(1);
    for (int i = 0; i < 3; i++) {
      assertThat(server.get("/fast")).startsWith(REFUSED).contains("Content-Length: 0");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.queue.capacity", "jvm.executor.name", NAME)).hasValue(1);
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", NAME,
          "jvm.executor.rejection.reason", "saturated", "jvm.executor.rejection.policy", "abort")).hasValue(3);
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", NAME,
          "jvm.executor.rejection.reason", "shed")).hasValue(2);
    });
    drain(held);
  }

  /** Holds both workers with slow requests, one at a time, then queues {@code queued} more. */
  private List<HttpProbe> fill(int queued) throws Exception {
    return server.fill(NAME, 2, queued);
  }

  /** Lets the held requests finish, each with its response; then the pool is idle and counted. */
  private void drain(List<HttpProbe> held) throws Exception {
    server.release(held);
    for (HttpProbe probe : held) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").endsWith("slow done");
    }
    completed += held.size();
    assertThat(server.get("/fast")).startsWith("HTTP/1.1 200");
    completed++;
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", NAME)).hasValue(completed);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", NAME,
          "jvm.executor.thread.state", "active")).hasValue(0);
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", NAME)).hasValue(0);
    });
  }
}
