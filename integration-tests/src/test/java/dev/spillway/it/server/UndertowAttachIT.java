package dev.spillway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.UndertowServerApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.Libraries;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
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

  OtlpReceiver receiver;
  AgentJvm app;
  int port;

  @BeforeAll
  void start() throws Exception {
    receiver = OtlpReceiver.start();
    port = HttpProbe.freePort();
    AgentJvm.Builder builder = AgentJvm.builder(UndertowServerApp.class).withoutAgent().testClasspath()
        .args(Integer.toString(port));
    Libraries.pool("undertow23", "").forEach(builder::classpath);
    app = builder.start();
    app.awaitOutput("READY");
    assertThat(HttpProbe.get(port, "/fast")).startsWith("HTTP/1.1 200");
  }

  @AfterAll
  void stop() {
    AgentJvm.finish(app, receiver);
  }

  @Test
  void aServingUndertowIsFoundAfterAnAttachAndCountsFromThen() throws Exception {
    int mark = app.outputMark();
    HttpProbe before = HttpProbe.send(port, "/slow");
    app.awaitOutputAfter(mark, line -> line.startsWith("IN_SLOW"), Duration.ofSeconds(10));
    Cli.Result attach = Cli.run("attach", Long.toString(app.pid()),
        "otel.exporter.otlp.endpoint=" + receiver.httpEndpoint(), "otel.metric.export.interval=200");
    assertThat(attach.exitCode).as("%s", attach).isZero();
    assertThat(HttpProbe.get(port, "/fast")).startsWith("HTTP/1.1 200").endsWith("fast done");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", NAME, "jvm.executor.type",
          UndertowWorkerPoolIT.TYPE)).hasValue(2);
      assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", NAME)).hasValue(1);
      // The request running since before the attach runs the old bytecode to its end: not seen.
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", NAME,
          "jvm.executor.thread.state", "active")).hasValue(0);
    });
    // The other worker held, one request queued behind both.
    mark = app.outputMark();
    HttpProbe after = HttpProbe.send(port, "/slow");
    app.awaitOutputAfter(mark, line -> line.startsWith("IN_SLOW"), Duration.ofSeconds(10));
    HttpProbe queued = HttpProbe.send(port, "/slow");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", NAME)).hasValue(1);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", NAME,
          "jvm.executor.thread.state", "active")).hasValue(1);
    });
    app.send("release 3");
    for (HttpProbe probe : new HttpProbe[] {before, after, queued}) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").endsWith("slow done");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", NAME)).hasValue(3);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", NAME,
          "jvm.executor.thread.state", "active")).hasValue(0);
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", NAME)).hasValue(0);
    });
  }
}
