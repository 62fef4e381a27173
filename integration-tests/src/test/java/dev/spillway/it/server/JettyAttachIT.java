package dev.spillway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.JettyServerApp;
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

/** A serving Jetty 12, attached on JDK 25: its pool is found at the next request, under its name. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JettyAttachIT {

  OtlpReceiver receiver;
  AgentJvm app;
  int port;

  @BeforeAll
  void start() throws Exception {
    receiver = OtlpReceiver.start();
    port = HttpProbe.freePort();
    AgentJvm.Builder builder = AgentJvm.builder(JettyServerApp.class).withoutAgent().testClasspath()
        .javaHome(AgentJvm.jdk25()).args(Integer.toString(port));
    Libraries.pool("jetty12", "").forEach(builder::classpath);
    Libraries.pool("common", "slf4j").forEach(builder::classpath);
    app = builder.start();
    app.awaitOutput("READY");
    assertThat(HttpProbe.get(port, "/fast")).startsWith("HTTP/1.1 200");
  }

  @AfterAll
  void stop() {
    AgentJvm.finish(app, receiver);
  }

  @Test
  void aServingJettyIsFoundAfterAnAttach() throws Exception {
    Cli.Result attach = Cli.run(AgentJvm.jdk25(), "attach", Long.toString(app.pid()),
        "otel.exporter.otlp.endpoint=" + receiver.httpEndpoint(), "otel.metric.export.interval=200");
    assertThat(attach.exitCode).as("%s", attach).isZero();
    assertThat(HttpProbe.get(port, "/fast")).startsWith("HTTP/1.1 200");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", JettyThreadPoolIT.NAME,
          "jvm.executor.type", JettyThreadPoolIT.TYPE)).hasValue(4);
      assertThat(m.latest("jvm.executor.queue.capacity", "jvm.executor.name", JettyThreadPoolIT.NAME)).hasValue(2);
    });
    assertThat(HttpProbe.get(port, "/fast")).startsWith("HTTP/1.1 200").endsWith("fast done");
  }
}
