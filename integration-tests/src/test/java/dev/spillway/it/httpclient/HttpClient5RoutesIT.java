package dev.spillway.it.httpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.AgentJvm;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Apache HttpClient 5.5, classic: connections by route, and the cap on routes. */
class HttpClient5RoutesIT extends AbstractHttpRoutesIT {
  @Override String client() { return "httpClient5"; }
  @Override String libraryJars() { return "httpclient55"; }

  /**
   * With {@code spillway.pool.max-routes=1}, the first route keeps its rows and the second is
   * counted in the pool's {@code server.address=_overflow} row; one warning says so.
   */
  @Test
  void routesPastTheCapShareTheOverflowRow() {
    try (AgentJvm app = HttpClientScenario.application(client(), libraryJars(), SIZE, 60_000)
        .exportTo(receiver).property("spillway.pool.max-routes", "1").start()) {
      app.awaitAgentStarted();
      app.send("go");
      app.awaitOutput("READY");
      String port = app.ask("ports", "PORTS").split(" ")[1];
      assertThat(app.ask("hold-at 1 1", "HELD-AT")).isEqualTo("HELD-AT 1 1");
      // The first route is seen at a collection before the second exists: it is the one kept.
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
          assertThat(receiver.metrics().current(OPEN)).containsEntry(route(poolName(), port, "active"), 1L));
      assertThat(app.ask("hold-at 2 2", "HELD-AT")).isEqualTo("HELD-AT 2 2");
      Map<String, String> overflowActive = Map.of(POOL_NAME, poolName(), "server.address", "_overflow", STATE, "active");
      Map<String, String> overflowIdle = Map.of(POOL_NAME, poolName(), "server.address", "_overflow", STATE, "idle");
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(receiver.metrics().current(OPEN))
          .isEqualTo(Map.of(route(poolName(), port, "active"), 1L, route(poolName(), port, "idle"), 0L,
              overflowActive, 2L, overflowIdle, 0L)));
      assertThat(app.agentProblems()).singleElement().asString()
          .contains("more than 1 routes in one HTTP client pool", "server.address=_overflow", "spillway.pool.max-routes");
      assertThat(app.ask("release-all", "RELEASED")).isEqualTo("RELEASED all");
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
    }
  }
}
