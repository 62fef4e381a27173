package dev.spillway.it.httpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One pool, two routes: the application's client calls two real HTTP servers on two loopback
 * ports, and {@code http.client.open_connections} has, for each route ({@code server.address},
 * {@code server.port}, {@code url.scheme}), its exact active and idle connections, read over real
 * OTLP at each step: requests held at each server, answered one by one, the idle connections
 * closed by the application. A route whose last connection closed leaves the metrics. One
 * subclass per client.
 */
abstract class AbstractHttpRoutesIT {

  /** Room for both routes' held requests: no request waits for a connection here. */
  static final int SIZE = 4;
  static final String POOL_NAME = AbstractHttpClientPoolIT.POOL_NAME;
  static final String STATE = AbstractHttpClientPoolIT.STATE;
  static final String OPEN = "http.client.open_connections";
  static final String ACTIVE_REQUESTS = "http.client.active_requests";

  OtlpReceiver receiver;
  String first;
  String second;

  /** {@code httpClient5}, {@code httpClient5Async}, {@code httpClient4} or {@code okHttp}. */
  abstract String client();

  abstract String libraryJars();

  /** The pool's name: the application class that first used it. */
  String poolName() {
    return HttpClientScenario.factoryName(client());
  }

  /** OkHttp's dispatcher, whose running calls are counted by route too; null for other clients. */
  String dispatcherName() {
    return null;
  }

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void eachRouteHasItsOwnActiveAndIdleConnections() {
    try (AgentJvm app = HttpClientScenario.application(client(), libraryJars(), SIZE, 60_000)
        .exportTo(receiver).start()) {
      app.awaitAgentStarted();
      app.send("go");
      app.awaitOutput("READY");
      String[] ports = app.ask("ports", "PORTS").split(" ");
      first = ports[1];
      second = ports[2];
      assertThat(first).isNotEqualTo(second);

      // The warm-up connection to the first server is reused by one of its two held requests.
      assertThat(app.ask("hold-at 1 2", "HELD-AT")).isEqualTo("HELD-AT 1 2");
      assertThat(app.ask("hold-at 2 1", "HELD-AT")).isEqualTo("HELD-AT 2 1");
      awaitRoutes(Map.of(first, new long[] {2, 0}, second, new long[] {1, 0}), Map.of(first, 2L, second, 1L));

      // One request answered at each server in turn: its connection goes back to the pool, idle.
      assertThat(app.ask("release-at 1 1", "RELEASED-AT")).isEqualTo("RELEASED-AT 1 1");
      awaitRoutes(Map.of(first, new long[] {1, 1}, second, new long[] {1, 0}), Map.of(first, 1L, second, 1L));
      assertThat(app.ask("release-at 2 1", "RELEASED-AT")).isEqualTo("RELEASED-AT 2 1");
      awaitRoutes(Map.of(first, new long[] {1, 1}, second, new long[] {0, 1}), Map.of(first, 1L));

      // The idle connections closed: the second route has none left and leaves the metrics.
      assertThat(app.ask("evict", "EVICTED")).isEqualTo("EVICTED");
      awaitRoutes(Map.of(first, new long[] {1, 0}), Map.of(first, 1L));

      assertThat(app.ask("release-all", "RELEASED")).isEqualTo("RELEASED all");
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }

  /**
   * Waits until the latest collection has exactly these routes: {@code connections} by port
   * ({active, idle}) under the pool's name, and for OkHttp's dispatcher {@code requests} running.
   */
  void awaitRoutes(Map<String, long[]> connections, Map<String, Long> requests) {
    Map<Map<String, String>, Long> expected = new HashMap<>();
    connections.forEach((port, counts) -> {
      expected.put(route(poolName(), port, "active"), counts[0]);
      expected.put(route(poolName(), port, "idle"), counts[1]);
    });
    Map<Map<String, String>, Long> expectedRequests = new HashMap<>();
    if (dispatcherName() != null) {
      requests.forEach((port, running) -> expectedRequests.put(route(dispatcherName(), port, null), running));
    }
    await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.current(OPEN)).isEqualTo(expected);
      assertThat(m.current(ACTIVE_REQUESTS)).isEqualTo(expectedRequests);
    });
  }

  static Map<String, String> route(String pool, String port, String state) {
    Map<String, String> attributes = new HashMap<>(Map.of(POOL_NAME, pool, "server.address", "127.0.0.1",
        "server.port", port, "url.scheme", "http"));
    if (state != null) {
      attributes.put(STATE, state);
    }
    return attributes;
  }
}
