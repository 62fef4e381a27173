package dev.spillway.it.httpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Apache HttpClient 5.5's async connection manager: found when it leases, read exactly from its
 * own statistics (held connections, leases waiting for one, limits); its leases complete on an
 * I/O thread, so they are not timed and no timeout count is reported (rather than a false 0).
 */
class HttpClient5AsyncIT {

  static final int SIZE = 3;
  static final int WAITING = 4;
  static final String POOL_NAME = AbstractHttpClientPoolIT.POOL_NAME;
  static final String STATE = AbstractHttpClientPoolIT.STATE;
  static final String NAME = "dev.spillway.it.apps.httpclients.HttpClient5AsyncFactory";

  OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void readsTheAsyncManager() {
    try (AgentJvm app = HttpClientScenario.application("httpClient5Async", "httpclient55", SIZE, 60_000)
        .exportTo(receiver).start()) {
      app.awaitAgentStarted();
      HttpClientScenario.holdAllAndWait(app, SIZE, WAITING);
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("http.client.open_connections", POOL_NAME, NAME, STATE, "active")).hasValue(SIZE);
        assertThat(m.latest("http.client.open_connections", POOL_NAME, NAME, STATE, "idle")).hasValue(0);
        assertThat(m.latest("http.client.connection.pending_requests", POOL_NAME, NAME)).hasValue(WAITING);
        assertThat(m.latest("http.client.connection.max", POOL_NAME, NAME)).hasValue(SIZE);
        assertThat(m.latest("http.client.connection.max_per_route", POOL_NAME, NAME)).hasValue(SIZE);
      });
      assertThat(receiver.metrics().latest("http.client.connection.timeouts", POOL_NAME, NAME)).isEmpty();

      HttpClientScenario.releaseAll(app, WAITING);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        MetricsView now = receiver.metrics();
        assertThat(now.latest("http.client.connection.pending_requests", POOL_NAME, NAME)).hasValue(0);
        assertThat(now.latest("http.client.open_connections", POOL_NAME, NAME, STATE, "active")).hasValue(0);
        assertThat(now.latest("http.client.open_connections", POOL_NAME, NAME, STATE, "idle")).hasValue(SIZE);
      });
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
