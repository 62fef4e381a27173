package dev.spillway.agent.pool.tomcat;

import dev.spillway.agent.pool.PoolAdapter;
import dev.spillway.agent.pool.Reflect.Getter;
import dev.spillway.agent.pool.Reflect.NumberGetter;

/**
 * Reads a Tomcat JDBC {@code ConnectionPool}: active, idle and waiting counts from the pool, and
 * {@code maxActive}, {@code minIdle}, {@code maxIdle}, the name and URL from its properties. The
 * default name ({@code Tomcat Connection Pool[3-12345]}) numbers pools in creation order, so it
 * does not count as configured.
 */
public final class TomcatJdbcAdapter extends PoolAdapter {

  private static final String DEFAULT_NAME = "Tomcat Connection Pool[";

  private final Getter active = new Getter("getActive");
  private final Getter idle = new Getter("getIdle");
  private final NumberGetter waiting = new NumberGetter("getWaitCount");
  private final Getter closed = new Getter("isClosed");
  private final Getter properties = new Getter("getPoolProperties");
  private final Getter maxActive = new Getter("getMaxActive");
  private final Getter maxIdle = new Getter("getMaxIdle");
  private final Getter minIdle = new Getter("getMinIdle");
  private final Getter name = new Getter("getName");
  private final Getter url = new Getter("getUrl");
  private final Getter driverClassName = new Getter("getDriverClassName");

  @Override
  public String library() {
    return "Tomcat JDBC";
  }

  @Override
  public void read(Object pool, PoolState into) throws Exception {
    into.used = active.getLong(pool);
    into.idle = idle.getLong(pool);
    into.pending = waiting.get(pool);
    Object props = properties.get(pool);
    into.max = maxActive.getLong(props);
    into.idleMin = minIdle.getLong(props);
    into.idleMax = maxIdle.getLong(props);
  }

  @Override
  public int pending(Object pool) throws Exception {
    return (int) waiting.get(pool);
  }

  @Override
  public boolean isClosed(Object pool) throws Exception {
    return Boolean.TRUE.equals(closed.get(pool));
  }

  @Override
  public boolean isTimeout(Throwable thrown) {
    return thrown.getClass().getName().equals("org.apache.tomcat.jdbc.pool.PoolExhaustedException");
  }

  @Override
  public String configuredName(Object pool, Object owner) throws Exception {
    String value = name.getString(properties.get(pool));
    return value == null || value.startsWith(DEFAULT_NAME) ? null : value;
  }

  @Override
  public String jdbcUrl(Object pool, Object owner) throws Exception {
    return url.getString(properties.get(pool));
  }

  @Override
  public String fallbackName(Object pool, Object owner) throws Exception {
    return driverClassName.getString(properties.get(pool));
  }
}
