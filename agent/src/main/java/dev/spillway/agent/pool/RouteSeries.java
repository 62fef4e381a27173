package dev.spillway.agent.pool;

import dev.spillway.agent.registry.Cap;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import java.util.HashMap;
import java.util.Map;

/**
 * The per-route series of one HTTP client pool: {@code http.client.open_connections} by state and
 * {@code http.client.active_requests}, each with the pool's name and the route's
 * {@code server.address}, {@code server.port} and {@code url.scheme}, as the HTTP semantic
 * conventions ask. Its attribute sets are built once per route and kept while the route is in the
 * pool; a route that is gone at a collection is dropped, and its series ends.
 *
 * <p>A crawler's pool meets thousands of hosts: past {@code spillway.pool.max-routes} routes in
 * one pool, later ones are added together in one row, {@code server.address=_overflow} (no port,
 * no scheme), and a warning says so once. A route that leaves frees its place.
 */
final class RouteSeries {

  static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");

  /** Per admitted route: its attributes for active connections, idle ones and requests. */
  private final Map<HttpRoutes.Route, Attributes[]> admitted = new HashMap<>();

  /**
   * Records the routes read at this collection under {@code pool}'s name; routes past {@code cap}
   * go to the overflow row. Collections may run on two readers' threads at once, hence the lock.
   */
  synchronized void record(HttpRoutes now, PoolSeries pool, Cap cap, ObservableLongMeasurement connections,
      ObservableLongMeasurement requests) {
    Map<HttpRoutes.Route, HttpRoutes.Counts> routes = now.byRoute();
    admitted.keySet().retainAll(routes.keySet());
    HttpRoutes.Counts other = new HttpRoutes.Counts();
    for (Map.Entry<HttpRoutes.Route, HttpRoutes.Counts> entry : routes.entrySet()) {
      Attributes[] attributes = admitted.get(entry.getKey());
      if (attributes == null) {
        attributes = admit(entry.getKey(), pool, cap);
      }
      HttpRoutes.Counts counts = entry.getValue();
      if (attributes == null) {
        other.add(counts);
      } else {
        record(counts, attributes, connections, requests);
      }
    }
    record(other, pool.otherRoutes, connections, requests);
  }

  private Attributes[] admit(HttpRoutes.Route route, PoolSeries pool, Cap cap) {
    synchronized (cap) {
      if (cap.overflows(admitted.size())) {
        return null;
      }
    }
    Attributes[] attributes = routeAttributes(pool, SERVER_ADDRESS, route.host(),
        pool.attributes.toBuilder().put(SERVER_PORT, route.port()).put(URL_SCHEME, route.scheme()));
    admitted.put(route, attributes);
    return attributes;
  }

  /** Active, idle and requests attributes: the pool's, the route's, and the connection state. */
  static Attributes[] routeAttributes(PoolSeries pool, AttributeKey<String> key, String value,
      AttributesBuilder base) {
    Attributes requests = base.put(key, value).build();
    return new Attributes[] {
        requests.toBuilder().put(pool.domain.state, pool.domain.used).build(),
        requests.toBuilder().put(pool.domain.state, "idle").build(),
        requests};
  }

  /** Records {@code counts} in {@code pool}'s overflow row: the routes past the cap, or of pools past theirs. */
  static void record(HttpRoutes.Counts counts, PoolSeries pool, ObservableLongMeasurement connections,
      ObservableLongMeasurement requests) {
    record(counts, pool.otherRoutes, connections, requests);
  }

  private static void record(HttpRoutes.Counts counts, Attributes[] attributes,
      ObservableLongMeasurement connections, ObservableLongMeasurement requests) {
    if (counts.connections) {
      connections.record(counts.active, attributes[0]);
      connections.record(counts.idle, attributes[1]);
    }
    if (counts.calls) {
      requests.record(counts.requests, attributes[2]);
    }
  }
}
