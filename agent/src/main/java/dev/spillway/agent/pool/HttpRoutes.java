package dev.spillway.agent.pool;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The routes of one HTTP client pool at one collection, as its adapter reads them from what the
 * pool already holds (Apache's per-route statistics, OkHttp's connections and running calls):
 * per target ({@code url.scheme}, {@code server.address}, {@code server.port}), the connections
 * in use and idle, or the calls running. Made and filled at collection time only.
 *
 * <p>A route with no open connection is left out, so a route the pool still lists after its last
 * connection closed (Apache keeps a route's entry until it purges it) leaves the metrics at once.
 */
public final class HttpRoutes {

  /** One target: the server the request is for (behind any proxy), as the conventions ask. */
  record Route(String scheme, String host, int port) {}

  /** What one route holds now. */
  static final class Counts {
    long active;
    long idle;
    long requests;
    boolean connections;
    boolean calls;

    void add(Counts other) {
      connections |= other.connections;
      calls |= other.calls;
      active += other.active;
      idle += other.idle;
      requests += other.requests;
    }
  }

  private final Map<Route, Counts> routes = new LinkedHashMap<>();

  /** Adds {@code active} connections in use and {@code idle} ones to the route; nothing if both are 0. */
  public void connections(String scheme, String host, int port, long active, long idle) {
    if (active <= 0 && idle <= 0) {
      return;
    }
    Counts counts = counts(scheme, host, port);
    counts.connections = true;
    counts.active += Math.max(0, active);
    counts.idle += Math.max(0, idle);
  }

  /** Adds {@code running} requests to the route. */
  public void requests(String scheme, String host, int port, long running) {
    Counts counts = counts(scheme, host, port);
    counts.calls = true;
    counts.requests += running;
  }

  Map<Route, Counts> byRoute() {
    return routes;
  }

  /** Every route's counts added into {@code sum}. */
  void addTo(Counts sum) {
    routes.values().forEach(sum::add);
  }

  private Counts counts(String scheme, String host, int port) {
    String s = scheme == null ? "http" : scheme;
    // A port the client left implicit is the scheme's default.
    int p = port >= 0 ? port : "https".equalsIgnoreCase(s) ? 443 : 80;
    return routes.computeIfAbsent(new Route(s, host == null ? "" : host, p), r -> new Counts());
  }
}
