package dev.spillway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.JettyServerApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.MetricsView;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A serving Jetty 12, attached on JDK 25: its pool is found at the next request, under its name. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JettyAttachIT {

  ServerRig server;

  @BeforeAll
  void start() throws Exception {
    server = ServerRig.withoutAgent(JettyServerApp.class, ServerRig.libraries("jetty12", "")
        .andThen(ServerRig.libraries("common", "slf4j")).andThen(builder -> builder.javaHome(AgentJvm.jdk25())));
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  void aServingJettyIsFoundAfterAnAttach() throws Exception {
    server.attach(AgentJvm.jdk25());
    assertThat(server.get("/fast")).startsWith("HTTP/1.1 200");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", JettyThreadPoolIT.NAME,
          "jvm.executor.type", JettyThreadPoolIT.TYPE)).hasValue(4);
      assertThat(m.latest("jvm.executor.queue.capacity", "jvm.executor.name", JettyThreadPoolIT.NAME)).hasValue(2);
    });
    assertThat(server.get("/fast")).startsWith("HTTP/1.1 200").endsWith("fast done");
  }
}
