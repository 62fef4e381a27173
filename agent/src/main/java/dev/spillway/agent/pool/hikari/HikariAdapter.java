package dev.spillway.agent.pool.hikari;

import dev.spillway.agent.pool.PoolAdapter;
import dev.spillway.agent.pool.Reflect.FieldReader;
import dev.spillway.agent.pool.Reflect.Getter;
import dev.spillway.agent.pool.Reflect.NumberGetter;
import java.sql.SQLTransientConnectionException;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Reads a {@code HikariPool}: its {@code HikariPoolMXBean} getters (active, idle, threads
 * awaiting) and its {@code HikariConfig} (maximum pool size, minimum idle, name, URL). Hikari has
 * no idle maximum: idle connections above {@code minimumIdle} are retired by {@code idleTimeout},
 * up to the pool's maximum, so {@code idle.max} is not reported.
 */
public final class HikariAdapter extends PoolAdapter {

  /** The name Hikari generates when none is configured: it changes with creation order. */
  private static final Pattern GENERATED_NAME = Pattern.compile("HikariPool-\\d+");
  private static final int POOL_SHUTDOWN = 2;

  private final Getter active = new Getter("getActiveConnections");
  private final Getter idle = new Getter("getIdleConnections");
  private final NumberGetter waiting = new NumberGetter("getThreadsAwaitingConnection");
  private final FieldReader config = new FieldReader("config");
  private final FieldReader poolState = new FieldReader("poolState");
  private final FieldReader poolEntry = new FieldReader("poolEntry");
  private final Getter maximumPoolSize = new Getter("getMaximumPoolSize");
  private final Getter minimumIdle = new Getter("getMinimumIdle");
  private final Getter poolName = new Getter("getPoolName");
  private final Getter jdbcUrl = new Getter("getJdbcUrl");
  private final Getter dataSourceProperties = new Getter("getDataSourceProperties");
  private final Getter dataSourceClassName = new Getter("getDataSourceClassName");
  private final Getter dataSource = new Getter("getDataSource");

  @Override
  public String library() {
    return "HikariCP";
  }

  /** The {@code PoolEntry} behind the {@code ProxyConnection} an acquire returned. */
  @Override
  public Object pooledItem(Object returned) throws Exception {
    return poolEntry.get(returned);
  }

  @Override
  public void read(Object pool, PoolState into) throws Exception {
    into.used = active.getLong(pool);
    into.idle = idle.getLong(pool);
    into.pending = waiting.get(pool);
    Object cfg = config.get(pool);
    into.max = maximumPoolSize.getLong(cfg);
    into.idleMin = minimumIdle.getLong(cfg);
  }

  @Override
  public int pending(Object pool) throws Exception {
    return (int) waiting.get(pool);
  }

  @Override
  public boolean isClosed(Object pool) throws Exception {
    return ((Number) poolState.get(pool)).intValue() == POOL_SHUTDOWN;
  }

  @Override
  public boolean isTimeout(Throwable thrown) {
    // Hikari's only SQLTransientConnectionException from getConnection(long): "request timed out".
    return thrown instanceof SQLTransientConnectionException;
  }

  @Override
  public String configuredName(Object pool, Object owner) throws Exception {
    String name = poolName.getString(config.get(pool));
    return name == null || GENERATED_NAME.matcher(name).matches() ? null : name;
  }

  @Override
  public String jdbcUrl(Object pool, Object owner) throws Exception {
    Object cfg = config.get(pool);
    String url = jdbcUrl.getString(cfg);
    if (url != null) {
      return url;
    }
    Object properties = dataSourceProperties.get(cfg);
    if (properties instanceof Properties) {
      for (String key : new String[] {"url", "URL", "jdbcUrl", "jdbcURL"}) {
        String value = ((Properties) properties).getProperty(key);
        if (value != null) {
          return value;
        }
      }
    }
    return null;
  }

  @Override
  public String fallbackName(Object pool, Object owner) throws Exception {
    Object cfg = config.get(pool);
    String className = dataSourceClassName.getString(cfg);
    if (className != null) {
      return className;
    }
    Object source = dataSource.get(cfg);
    return source == null ? null : source.getClass().getName();
  }
}
