package dev.spillway.agent.pool;

import dev.spillway.agent.pool.Reflect.Getter;

/**
 * Reads an Apache HttpClient connection manager (5.x and 4.5 alike: both are a
 * {@code ConnPoolControl}) through its own getters: {@code getTotalStats()} (leased, available,
 * pending, max over every route of its pool) and {@code getDefaultMaxPerRoute()}. Each version's
 * adapter adds how it tells a closed manager.
 */
public abstract class ApacheConnPoolAdapter extends HttpPoolAdapter {

  private final Getter totalStats = new Getter("getTotalStats");
  private final Getter leased = new Getter("getLeased");
  private final Getter available = new Getter("getAvailable");
  private final Getter pending = new Getter("getPending");
  private final Getter max = new Getter("getMax");
  private final Getter maxPerRoute = new Getter("getDefaultMaxPerRoute");

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

  /** The pool's statistics object, made under the pool's lock: on each admission only while a rule applies. */
  @Override
  public final int pending(Object manager) throws Exception {
    return (int) pending.getLong(totalStats.get(manager));
  }
}
