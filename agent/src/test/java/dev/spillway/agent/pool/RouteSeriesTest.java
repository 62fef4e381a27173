package dev.spillway.agent.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.agent.registry.Cap;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouteSeriesTest {

  /** What one collection recorded: attributes, rendered, to value. */
  private static final class Recorded implements ObservableLongMeasurement {
    final Map<String, Long> points = new LinkedHashMap<>();

    @Override
    public void record(long value) {
      throw new AssertionError("every point has attributes");
    }

    @Override
    public void record(long value, Attributes attributes) {
      Long previous = points.put(render(attributes), value);
      assertThat(previous).as("one point per series in a collection: %s", attributes).isNull();
    }

    static String render(Attributes attributes) {
      StringBuilder text = new StringBuilder();
      attributes.forEach((key, value) -> text.append(key.getKey()).append('=').append(value).append(' '));
      return text.toString().trim();
    }
  }

  private final PoolSeries pool = new PoolSeries("com.acme.Client", PoolDomain.HTTP, false);
  private final RouteSeries series = new RouteSeries();
  private Recorded connections = new Recorded();
  private Recorded requests = new Recorded();

  private void collect(HttpRoutes routes, Cap cap) {
    connections = new Recorded();
    requests = new Recorded();
    series.record(routes, pool, cap, connections, requests);
  }

  private static String row(String host, int port, String state) {
    return "http.client.connection.pool.name=com.acme.Client http.connection.state=" + state
        + " server.address=" + host + " server.port=" + port + " url.scheme=http";
  }

  @Test
  void eachRouteHasItsActiveAndIdleConnectionsTheSameTargetAddedUp() {
    HttpRoutes routes = new HttpRoutes();
    routes.connections("http", "a.example", 8080, 2, 1);
    routes.connections("http", "b.example", 80, 0, 3);
    // Another Apache route to the same target (through another proxy): one row.
    routes.connections("http", "a.example", 8080, 1, 0);
    // A route the pool still lists with no connection left: no row.
    routes.connections("http", "c.example", 80, 0, 0);
    collect(routes, new Cap(10, "routes", "server.address", "x"));
    assertThat(connections.points).containsExactly(
        Map.entry(row("a.example", 8080, "active"), 3L), Map.entry(row("a.example", 8080, "idle"), 1L),
        Map.entry(row("b.example", 80, "active"), 0L), Map.entry(row("b.example", 80, "idle"), 3L));
    assertThat(requests.points).isEmpty();
  }

  @Test
  void anImplicitPortIsTheSchemesDefault() {
    HttpRoutes routes = new HttpRoutes();
    routes.connections("https", "a.example", -1, 1, 0);
    routes.requests("http", "b.example", -1, 2);
    collect(routes, new Cap(10, "routes", "server.address", "x"));
    assertThat(connections.points).containsKey(row("a.example", 443, "active").replace("url.scheme=http", "url.scheme=https"));
    assertThat(requests.points).containsExactly(Map.entry(
        "http.client.connection.pool.name=com.acme.Client server.address=b.example server.port=80 url.scheme=http", 2L));
  }

  @Test
  void routesPastTheCapShareTheOverflowRowAndARouteThatLeavesFreesItsPlace() {
    Cap cap = new Cap(2, "routes in one HTTP client pool", "server.address", "spillway.pool.max-routes");
    HttpRoutes first = new HttpRoutes();
    first.connections("http", "a", 1, 1, 0);
    first.connections("http", "b", 2, 1, 0);
    first.connections("http", "c", 3, 2, 1);
    first.connections("http", "d", 4, 0, 5);
    collect(first, cap);
    String other = "http.client.connection.pool.name=com.acme.Client http.connection.state=%s server.address=_overflow";
    assertThat(connections.points).containsOnlyKeys(row("a", 1, "active"), row("a", 1, "idle"),
        row("b", 2, "active"), row("b", 2, "idle"), other.formatted("active"), other.formatted("idle"));
    assertThat(connections.points.get(other.formatted("active"))).isEqualTo(2);
    assertThat(connections.points.get(other.formatted("idle"))).isEqualTo(6);

    // a is gone: its series ends, and c (the first one past the cap) takes its place.
    HttpRoutes second = new HttpRoutes();
    second.connections("http", "b", 2, 1, 0);
    second.connections("http", "c", 3, 2, 1);
    collect(second, cap);
    assertThat(connections.points).containsOnlyKeys(row("b", 2, "active"), row("b", 2, "idle"),
        row("c", 3, "active"), row("c", 3, "idle"));
    assertThat(connections.points.get(row("c", 3, "idle"))).isEqualTo(1);
  }
}
