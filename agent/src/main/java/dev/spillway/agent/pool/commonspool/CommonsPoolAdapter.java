package dev.spillway.agent.pool.commonspool;

import dev.spillway.agent.pool.PoolAdapter;
import dev.spillway.agent.pool.Reflect.Getter;
import dev.spillway.agent.pool.Reflect.NumberGetter;
import java.sql.SQLTransientConnectionException;
import java.util.NoSuchElementException;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * Reads a commons-pool2 {@code GenericObjectPool} or {@code GenericKeyedObjectPool} through its own
 * getters: active, idle, waiters, maximum total, and (not keyed) minimum and maximum idle; a
 * negative limit means none and is not reported. A keyed pool's idle limits are per key, so they
 * are not reported either.
 *
 * <p>A pool that holds a DBCP2 {@code BasicDataSource}'s connections is read through its factory,
 * DBCP2's {@code PoolableConnectionFactory}, which knows the data source's JMX name and its
 * connection factory's URL: nothing on DBCP2's {@code getConnection} path is rewritten for that.
 * Named by that JMX name (the data source's {@code jmxName}), else that URL, else by the JMX name
 * the user gave the pool ({@code jmxNameBase} or a prefix other than the default {@code pool}),
 * else by its factory's class. A shedding rule refuses DBCP2's borrows as JDBC does.
 */
public final class CommonsPoolAdapter extends PoolAdapter {

  private static final String KEYED = "org.apache.commons.pool2.impl.GenericKeyedObjectPool";
  /** The factory of a DBCP2 data source's pool (and of its subclass for managed data sources). */
  private static final String DBCP2_FACTORY = "org.apache.commons.dbcp2.PoolableConnectionFactory";
  private static final Pattern DEFAULT_JMX_NAME = Pattern.compile("pool\\d*");

  private final Getter active = new Getter("getNumActive");
  private final Getter idle = new Getter("getNumIdle");
  private final NumberGetter waiters = new NumberGetter("getNumWaiters");
  private final Getter maxTotal = new Getter("getMaxTotal");
  private final Getter maxIdle = new Getter("getMaxIdle");
  private final Getter minIdle = new Getter("getMinIdle");
  private final Getter closed = new Getter("isClosed");
  /** The pool's own count of borrows: free to read, so status shows completed acquires. */
  private final Getter borrowed = new Getter("getBorrowedCount");
  private final Getter jmxName = new Getter("getJmxName");
  private final Getter factory = new Getter("getFactory");
  private final Getter dataSourceJmxName = new Getter("getDataSourceJmxName");
  private final Getter connectionFactory = new Getter("getConnectionFactory");
  /** DBCP2's {@code DriverConnectionFactory}, which every {@code BasicDataSource} uses by default. */
  private final Getter connectionString = new Getter("getConnectionString");

  @Override
  public String library() {
    return "commons-pool2";
  }

  @Override
  public void read(Object pool, PoolState into) throws Exception {
    into.used = active.getLong(pool);
    into.idle = idle.getLong(pool);
    into.pending = waiters.get(pool);
    into.max = limit(maxTotal.getLong(pool));
    if (!isKeyed(pool.getClass())) {
      into.idleMin = Math.max(0, minIdle.getLong(pool));
      into.idleMax = limit(maxIdle.getLong(pool));
    }
    try {
      into.borrowed = borrowed.getLong(pool);
    } catch (Exception e) {
      // an older version without the count: completed stays unknown
    }
  }

  private static long limit(long value) {
    return value < 0 ? -1 : value;
  }

  private static boolean isKeyed(Class<?> type) {
    return isA(type, KEYED);
  }

  private static boolean isA(Class<?> type, String className) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(className)) {
        return true;
      }
    }
    return false;
  }

  /** The pool's DBCP2 {@code PoolableConnectionFactory}, or null for any other pool. */
  private Object dbcp2Factory(Object pool) throws Exception {
    Object made = factory.get(pool);
    return made != null && isA(made.getClass(), DBCP2_FACTORY) ? made : null;
  }

  @Override
  public int pending(Object pool) throws Exception {
    return (int) waiters.get(pool);
  }

  @Override
  public boolean isClosed(Object pool) throws Exception {
    return Boolean.TRUE.equals(closed.get(pool));
  }

  @Override
  public boolean isTimeout(Throwable thrown) {
    // "Timeout waiting for idle object"; not "Pool exhausted" (no wait was allowed).
    return thrown instanceof NoSuchElementException && thrown.getMessage() != null
        && thrown.getMessage().startsWith("Timeout");
  }

  @Override
  public String configuredName(Object pool, Object owner) throws Exception {
    Object dbcp2 = dbcp2Factory(pool);
    if (dbcp2 != null) {
      // The name the data source registered under, from its jmxName; DBCP2 then names the pool
      // after it, with a "connectionpool" key that would only repeat it.
      Object registered = dataSourceJmxName.get(dbcp2);
      return registered == null ? null : registered.toString();
    }
    Object name = jmxName.get(pool);
    if (name instanceof ObjectName) {
      String value = ((ObjectName) name).getKeyProperty("name");
      return value == null || DEFAULT_JMX_NAME.matcher(value).matches() ? null : value;
    }
    return null;
  }

  @Override
  public String jdbcUrl(Object pool, Object owner) throws Exception {
    Object dbcp2 = dbcp2Factory(pool);
    Object connections = dbcp2 == null ? null : connectionFactory.get(dbcp2);
    return connections == null ? null : connectionString.getString(connections);
  }

  @Override
  public String fallbackName(Object pool, Object owner) throws Exception {
    Object made = factory.get(pool);
    return made == null ? null : made.getClass().getName();
  }

  @Override
  public Throwable refusal(String message, boolean jdbc) {
    return jdbc ? new SQLTransientConnectionException(message) : new NoSuchElementException(message);
  }

  /**
   * A DBCP2 pool's borrow is refused as JDBC does ({@code SQLTransientConnectionException}, which
   * DBCP2 passes on as it is); a plain object pool's as the pool does. A refusal is rare, and the
   * exception it builds costs more than this look at the factory.
   */
  @Override
  public Throwable refusal(Object pool, String message, boolean jdbc) {
    boolean dbcp2;
    try {
      dbcp2 = dbcp2Factory(pool) != null;
    } catch (Exception | LinkageError e) {
      dbcp2 = false;
    }
    return refusal(message, jdbc || dbcp2);
  }
}
