package dev.spillway.it.httpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.MetricsView;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Apache HttpClient 5.5, classic; and the same client found after an attach. */
class HttpClient5PoolIT extends AbstractHttpClientPoolIT {
  @Override String client() { return "httpClient5"; }
  @Override String libraryJars() { return "httpclient55"; }
  @Override String timeoutException() { return "org.apache.hc.core5.http.ConnectionRequestTimeoutException"; }

  /**
   * A client built and used before the agent, then attached to: its manager is found at its next
   * acquire, read exactly, and its timeouts counted from then on.
   */
  @Test
  void aPoolBuiltBeforeAnAttachIsFoundAtItsNextAcquire() {
    try (AgentJvm app = application().withoutAgent().start()) {
      app.send("go");
      app.awaitOutput("READY");
      Cli.Result attach = Cli.run("attach", Long.toString(app.pid()),
          "otel.exporter.otlp.endpoint=" + receiver.httpEndpoint(), "otel.metric.export.interval=200");
      assertThat(attach.exitCode).as("%s", attach).isZero();
      String name = expectedName();
      assertThat(app.ask("hold", "HELD")).isEqualTo("HELD " + SIZE);
      app.send("wait 1");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("http.client.open_connections", POOL_NAME, name, STATE, "active")).hasValue(SIZE);
        assertThat(m.latest("http.client.connection.pending_requests", POOL_NAME, name)).hasValue(1);
        assertThat(m.latest("http.client.connection.max", POOL_NAME, name)).hasValue(SIZE);
      });
      app.awaitOutputAfter(0, line -> line.startsWith("FAILED 1 "), Duration.ofSeconds(TIMEOUT_MILLIS / 1000 + 10));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(receiver.metrics()
          .latest("http.client.connection.timeouts", POOL_NAME, name)).hasValue(1));
      assertThat(app.ask("release-all", "RELEASED")).isEqualTo("RELEASED all");
      assertThat(app.agentProblems()).isEmpty();
      app.send("exit");
    }
  }
}
