package dev.spillway.agent.pool;

import dev.spillway.agent.pool.Reflect.Getter;
import dev.spillway.agent.pool.Reflect.OneArgGetter;

/**
 * Reads an Apache HttpClient connection manager (5.x and 4.5 alike: both are a
 * {@code ConnPoolControl}) through its own getters: {@code getTotalStats()} (leased, available,
 * pending, max over every route of its pool) and {@code getDefaultMaxPerRoute()}; by route,
 * {@code getRoutes()} and {@code getStats(route)}, each route's target host giving scheme, host
 * and port. Each version's adapter adds how it tells a closed manager.
 */
public abstract class ApacheConnPoolAdapter extends HttpPoolAdapter {

  private final Getter totalStats = new Getter("getTotalStats");
  private final Getter leased = new Getter("getLeased");
  private final Getter available = new Getter("getAvailable");
  private final Getter pending = new Getter("getPending");
  private final Getter max = new Getter("getMax");
  private final Getter maxPerRoute = new Getter("getDefaultMaxPerRoute");
  private final Getter routes = new Getter("getRoutes");
  private final OneArgGetter routeStats = new OneArgGetter("getStats");
  private final Getter targetHost = new Getter("getTargetHost");
  private final Getter scheme = new Getter("getSchemeName");
  private final Getter hostName = new Getter("getHostName");
  private final Getter port = new Getter("getPort");

  protected ApacheConnPoolAdapter(String[] libraryPackages, String timeoutType) {
    super(libraryPackages, timeoutType);
  }

  @Override
  public final void read(Object manager, PoolState into) throws Exception {
    Object stats = totalStats.get(manager);
    into.used = leased.getLong(stats);
    into.idle = available.getLong(stats);
    into.pending = pending.getLong(stats);
    into.max = max.getLong(stats);
    into.maxPerRoute = maxPerRoute.getLong(manager);
  }

  /**
   * Each route the pool knows, with its leased and available connections: one lock of the pool per
   * route (as the pool's own {@code getStats} takes it), at collection time only.
   */
  @Override
  public final void readRoutes(Object manager, HttpRoutes into) throws Exception {
    for (Object route : (Iterable<?>) routes.get(manager)) {
      Object stats = routeStats.get(manager, route);
      Object target = targetHost.get(route);
      into.connections(scheme.getString(target), hostName.getString(target), (int) port.getLong(target),
          leased.getLong(stats), available.getLong(stats));
    }
  }

  /** The pool's statistics object, made under the pool's lock: on each admission only while a rule applies. */
  @Override
  public final int pending(Object manager) throws Exception {
    return (int) pending.getLong(totalStats.get(manager));
  }
}
