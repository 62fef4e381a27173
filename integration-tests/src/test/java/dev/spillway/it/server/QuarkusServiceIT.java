package dev.spillway.it.server;

import static dev.spillway.it.server.ServiceRig.QUOTE;
import static dev.spillway.it.server.ServiceRig.THREADS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.MetricsView;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The example Quarkus service ({@code examples/quarkus-service}, Quarkus 3.34, Quarkus REST on
 * Vert.x) started as its users start it, {@code java -javaagent:... -jar quarkus-app/quarkus-run.jar}:
 * its libraries load through Quarkus's own class loader. Its worker pool, JBoss Threads'
 * {@code EnhancedQueueExecutor}, is the series {@code executor-thread} with exact values while a
 * slow pricing service holds every worker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuarkusServiceIT {

  static final String TYPE = "org.jboss.threads.EnhancedQueueExecutor";

  private ServiceRig service;

  @BeforeAll
  void start() throws Exception {
    service = ServiceRig.quarkus(ServiceRig.quarkusJar(), (jvm, receiver) -> jvm.exportTo(receiver));
    service.app.awaitAgentStarted();
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void aSlowDependencyHoldsEveryWorkerAndQueuesTheRequestsAfterThem() throws Exception {
    List<HttpProbe> held = service.holdEveryWorker();
    List<HttpProbe> queued = service.send(2, "/orders/2/quote");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = service.receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", service.executor, "jvm.executor.type",
          TYPE)).hasValue(THREADS);
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", service.executor)).hasValue(2);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", service.executor,
          "jvm.executor.thread.state", "active")).hasValue(THREADS);
    });
    assertThat(service.priceRequests()).isEqualTo(THREADS);
    service.answer(THREADS + 2);
    for (HttpProbe probe : held) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").contains(QUOTE);
    }
    for (HttpProbe probe : queued) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").contains("order 2: " + QUOTE);
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = service.receiver.metrics();
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", service.executor)).hasValue(0);
      assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", service.executor).orElse(0))
          .isGreaterThanOrEqualTo(THREADS + 2);
    });
  }
}
