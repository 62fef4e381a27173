package dev.spillway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.TomcatServerApp;
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
 * A Tomcat 10.1 started without Spillway, serving, then attached: its connector's executor, whose
 * classes and threads predate the agent, is found at its next request, named from its threads,
 * and its refusals are counted from then on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TomcatAttachIT {

  OtlpReceiver receiver;
  AgentJvm app;
  int port;

  @BeforeAll
  void start() throws Exception {
    receiver = OtlpReceiver.start();
    port = HttpProbe.freePort();
    AgentJvm.Builder builder = AgentJvm.builder(TomcatServerApp.class).withoutAgent().testClasspath()
        .args(Integer.toString(port), "1", "1");
    Libraries.pool("tomcat-embed10", "").forEach(builder::classpath);
    app = builder.start();
    app.awaitOutput("READY");
    assertThat(HttpProbe.get(port, "/fast")).startsWith("HTTP/1.1 200");
  }

  @AfterAll
  void stop() {
    AgentJvm.finish(app, receiver);
  }

  @Test
  void aServingTomcatIsFoundAfterAnAttachAndCountsItsRefusals() throws Exception {
    Cli.Result attach = Cli.run("attach", Long.toString(app.pid()),
        "otel.exporter.otlp.endpoint=" + receiver.httpEndpoint(), "otel.metric.export.interval=200");
    assertThat(attach.exitCode).as("%s", attach).isZero();
    String name = "http-nio-" + port + "-exec";
    assertThat(HttpProbe.get(port, "/fast")).startsWith("HTTP/1.1 200");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", name, "jvm.executor.type",
          AbstractTomcatExecutorIT.TYPE)).hasValue(1);
      assertThat(m.latest("jvm.executor.queue.capacity", "jvm.executor.name", name)).hasValue(1);
    });
    // One thread held, one request queued, the next two refused: the connection closed, each
    // refusal counted once.
    int mark = app.outputMark();
    HttpProbe running = HttpProbe.send(port, "/slow");
    app.awaitOutputAfter(mark, line -> line.startsWith("IN_SLOW"), Duration.ofSeconds(10));
    HttpProbe queued = HttpProbe.send(port, "/slow");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.metrics().latest(
        "jvm.executor.queue.size", "jvm.executor.name", name)).hasValue(1));
    assertThat(HttpProbe.get(port, "/fast")).isEqualTo(HttpProbe.CLOSED);
    assertThat(HttpProbe.get(port, "/fast")).isEqualTo(HttpProbe.CLOSED);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.metrics().latest(
        "jvm.executor.task.rejected", "jvm.executor.name", name, "jvm.executor.rejection.reason", "saturated"))
        .hasValue(2));
    app.send("release 2");
    assertThat(running.response()).endsWith("slow done");
    assertThat(queued.response()).endsWith("slow done");
  }
}
