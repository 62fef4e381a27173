package dev.spillway.agent.pool.c3p0;

import dev.spillway.agent.pool.PoolAdapter;
import dev.spillway.agent.pool.Reflect;
import dev.spillway.agent.pool.Reflect.FieldReader;
import dev.spillway.agent.pool.Reflect.Getter;
import dev.spillway.agent.pool.Reflect.NumberGetter;

/**
 * Reads a c3p0 {@code C3P0PooledConnectionPool}: busy, idle and waiting counts from the pool, the
 * maximum from its resource pool. c3p0 has no idle limits ({@code minPoolSize} bounds all
 * connections, not idle ones), so {@code idle.min} and {@code idle.max} are not reported.
 *
 * <p>Named by the data source it serves: its {@code dataSourceName} when set (c3p0 otherwise
 * uses its random identity token, which does not count), else its JDBC URL.
 */
public final class C3p0Adapter extends PoolAdapter {

  private final Getter busy = new Getter("getNumBusyConnections");
  private final Getter idle = new Getter("getNumIdleConnections");
  private final NumberGetter waiting = new NumberGetter("getNumThreadsAwaitingCheckout");
  private final FieldReader resourcePool = new FieldReader("rp");
  private final Getter maxPoolSize = new Getter("getMaxPoolSize");
  private final Getter broken = new Getter("isBroken");
  private final Getter dataSourceName = new Getter("getDataSourceName");
  private final Getter identityToken = new Getter("getIdentityToken");
  private final Getter jdbcUrl = new Getter("getJdbcUrl");

  @Override
  public String library() {
    return "c3p0";
  }

  @Override
  public void read(Object pool, PoolState into) throws Exception {
    into.used = busy.getLong(pool);
    into.idle = idle.getLong(pool);
    into.pending = waiting.get(pool);
    into.max = maxPoolSize.getLong(resourcePool.get(pool));
  }

  @Override
  public int pending(Object pool) throws Exception {
    return (int) waiting.get(pool);
  }

  @Override
  public boolean isClosed(Object pool) throws Exception {
    return Boolean.TRUE.equals(broken.get(resourcePool.get(pool)));
  }

  @Override
  public boolean isTimeout(Throwable thrown) {
    return Reflect.causedBy(thrown, "com.mchange.v2.resourcepool.TimeoutException");
  }

  @Override
  public String configuredName(Object pool, Object owner) throws Exception {
    if (owner == null) {
      return null;
    }
    String name = dataSourceName.getString(owner);
    String token;
    try {
      token = identityToken.getString(owner);
    } catch (Exception e) {
      token = null;
    }
    return name == null || name.equals(token) ? null : name;
  }

  @Override
  public String jdbcUrl(Object pool, Object owner) throws Exception {
    return owner == null ? null : jdbcUrl.getString(owner);
  }
}
