package dev.spillway.agent.pool.okhttp;

import dev.spillway.agent.pool.HttpPoolAdapter;
import dev.spillway.agent.pool.Reflect.FieldReader;
import dev.spillway.agent.pool.Reflect.Getter;

/**
 * Reads OkHttp's connection pool ({@code RealConnectionPool}, behind the public
 * {@code ConnectionPool}; 4.x and 5.x) through its own getters: {@code connectionCount()} and
 * {@code idleConnectionCount()} (active = the difference), and its {@code maxIdleConnections} as
 * {@code idle.max}. OkHttp has no limit on open connections and never makes a call wait for one
 * (a call without an idle connection opens a new one), so there is no {@code max}, no pending
 * request, no timeout and nothing to shed.
 */
public final class OkHttpConnectionPoolAdapter extends HttpPoolAdapter {

  private final Getter connections = new Getter("connectionCount");
  private final Getter idle = new Getter("idleConnectionCount");
  private final FieldReader maxIdle = new FieldReader("maxIdleConnections");

  public OkHttpConnectionPoolAdapter() {
    super(OkHttpNames.PACKAGES, null);
  }

  @Override
  public String library() {
    return "OkHttp connection pool";
  }

  @Override
  public boolean seesAcquires(Object pool) {
    return false;
  }

  @Override
  public void read(Object pool, PoolState into) throws Exception {
    long total = connections.getLong(pool);
    long idleNow = idle.getLong(pool);
    into.used = Math.max(0, total - idleNow);
    into.idle = idleNow;
    into.idleMax = ((Number) maxIdle.get(pool)).longValue();
  }

  @Override
  public int pending(Object pool) {
    return 0;
  }

  /** A pool is never closed ({@code evictAll} empties it); it leaves the metrics when collected. */
  @Override
  public boolean isClosed(Object pool) {
    return false;
  }
}
