package dev.spillway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.UndertowServerApp;
import dev.spillway.it.support.MetricsView;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * An Undertow 2.3 started without Spillway, serving, then attached while one request holds a
 * worker: its JBoss Threads pool, built before the agent, is found at the next request under the
 * name its threads have; its runs are counted from the attach on, so the request that was running
 * then is neither active nor completed in its series.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UndertowAttachIT {

  static final String NAME = UndertowWorkerPoolIT.NAME;

  ServerRig server;

  @BeforeAll
  void start() throws Exception {
    server = ServerRig.withoutAgent(UndertowServerApp.class, ServerRig.libraries("undertow23", ""));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aServingUndertowIsFoundAfterAnAttachAndCountsFromThen() throws Exception {
    HttpProbe before = server.hold();
    server.attach(null);
    assertThat(server.get("/fast")).startsWith("HTTP/1.1 200").endsWith("fast done");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", NAME, "jvm.executor.type",
          UndertowWorkerPoolIT.TYPE)).hasValue(2);
      assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", NAME)).hasValue(1);
      // The request running since before the attach runs the old bytecode to its end: not seen.
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", NAME,
          "jvm.executor.thread.state", "active")).hasValue(0);
    });
    // The other worker held, one request queued behind both.
    HttpProbe after = server.hold();
    HttpProbe queued = HttpProbe.send(server.port, "/slow");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", NAME)).hasValue(1);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", NAME,
          "jvm.executor.thread.state", "active")).hasValue(1);
    });
    server.release(List.of(before, after, queued));
    for (HttpProbe probe : new HttpProbe[] {before, after, queued}) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").endsWith("slow done");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", NAME)).hasValue(3);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", NAME,
          "jvm.executor.thread.state", "active")).hasValue(0);
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", NAME)).hasValue(0);
    });
  }
}
