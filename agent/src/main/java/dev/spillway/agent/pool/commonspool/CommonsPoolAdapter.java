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
 * <p>Named by the DBCP2 data source it serves (its {@code jmxName}, else its URL), else by the JMX
 * name the user gave the pool ({@code jmxNameBase} or a prefix other than the default
 * {@code pool}), else by its factory's class.
 */
public final class CommonsPoolAdapter extends PoolAdapter {

  private static final String KEYED = "org.apache.commons.pool2.impl.GenericKeyedObjectPool";
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
  private final Getter url = new Getter("getUrl");

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
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getName().equals(KEYED)) {
        return true;
      }
    }
    return false;
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
    if (owner != null) {
      return jmxName.getString(owner);
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
    return owner == null ? null : url.getString(owner);
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
}
