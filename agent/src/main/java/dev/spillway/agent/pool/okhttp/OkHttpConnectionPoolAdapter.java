package dev.spillway.agent.pool.okhttp;

import dev.spillway.agent.pool.HttpPoolAdapter;
import dev.spillway.agent.pool.HttpRoutes;
import java.util.Collection;
import dev.spillway.agent.pool.Reflect.FieldReader;
import dev.spillway.agent.pool.Reflect.Getter;

/**
 * Reads OkHttp's connection pool ({@code RealConnectionPool}, behind the public
 * {@code ConnectionPool}; 4.x and 5.x) through its own getters: {@code connectionCount()} and
 * {@code idleConnectionCount()} (active = the difference), and its {@code maxIdleConnections} as
 * {@code idle.max}; by route, its {@code connections} themselves, each with its {@code route()}
 * and the calls it carries ({@code getCalls()}, empty when idle). OkHttp has no limit on open connections and never makes a call wait for one
 * (a call without an idle connection opens a new one), so there is no {@code max}, no pending
 * request, no timeout and nothing to shed.
 */
public final class OkHttpConnectionPoolAdapter extends HttpPoolAdapter {

  private final Getter connections = new Getter("connectionCount");
  private final Getter idle = new Getter("idleConnectionCount");
  private final FieldReader maxIdle = new FieldReader("maxIdleConnections");
  private final FieldReader connectionList = new FieldReader("connections");
  private final Getter calls = new Getter("getCalls");
  private final OkHttpUrls urls = new OkHttpUrls();

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

  /**
   * Every connection the pool holds, by the route's target: idle when it carries no call, read
   * under the connection's monitor as OkHttp 4's {@code idleConnectionCount()} reads it.
   */
  @Override
  public void readRoutes(Object pool, HttpRoutes into) throws Exception {
    for (Object connection : (Iterable<?>) connectionList.get(pool)) {
      Collection<?> carried = (Collection<?>) calls.get(connection);
      boolean idleNow;
      synchronized (connection) {
        idleNow = carried.isEmpty();
      }
      Object url = urls.ofConnection(connection);
      into.connections(urls.scheme(url), urls.host(url), urls.port(url), idleNow ? 0 : 1, idleNow ? 1 : 0);
    }
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
