package dev.spillway.agent.pool.agroal;

import dev.spillway.agent.pool.PoolAdapter;
import dev.spillway.agent.pool.Reflect.FieldReader;
import dev.spillway.agent.pool.Reflect.Getter;
import dev.spillway.agent.pool.Reflect.NumberGetter;
import java.sql.SQLException;

/**
 * Reads an Agroal {@code ConnectionPool}: active, available and awaiting counts from the pool, the
 * maximum size from its configuration. Agroal has no idle limit of its own ({@code minSize} bounds
 * all connections, not idle ones), so {@code idle.min} and {@code idle.max} are not reported; nor
 * has it a pool name, so pools are named from their JDBC URL. Its pool-less mode
 * ({@code io.agroal.pool.Pooless}) is not instrumented.
 */
public final class AgroalAdapter extends PoolAdapter {

  private final Getter active = new Getter("activeCount");
  private final Getter available = new Getter("availableCount");
  private final NumberGetter awaiting = new NumberGetter("awaitingCount");
  private final Getter configuration = new Getter("getConfiguration");
  private final Getter maxSize = new Getter("maxSize");
  private final Getter factoryConfiguration = new Getter("connectionFactoryConfiguration");
  private final Getter url = new Getter("jdbcUrl");
  private final Getter handler = new Getter("getHandler");
  private final FieldReader housekeeping = new FieldReader("housekeepingExecutor");
  private final Getter isShutdown = new Getter("isShutdown");

  @Override
  public String library() {
    return "Agroal";
  }

  /** {@code getConnection} returns a wrapper; the pool takes back, and reuses, its handler. */
  @Override
  public Object pooledItem(Object returned) throws Exception {
    return handler.get(returned);
  }

  @Override
  public void read(Object pool, PoolState into) throws Exception {
    into.used = active.getLong(pool);
    into.idle = available.getLong(pool);
    into.pending = awaiting.get(pool);
    into.max = maxSize.getLong(configuration.get(pool));
  }

  @Override
  public int pending(Object pool) throws Exception {
    return (int) awaiting.get(pool);
  }

  /** {@code close()} shuts the pool's housekeeping executor down; there is no closed flag. */
  @Override
  public boolean isClosed(Object pool) throws Exception {
    return Boolean.TRUE.equals(isShutdown.get(housekeeping.get(pool)));
  }

  /**
   * Agroal's timeouts are plain {@code SQLException}s, told apart by their message: "Sorry,
   * acquisition timeout!" while waiting for a connection, "Acquisition timeout while waiting for
   * new connection" while one is being made.
   */
  @Override
  public boolean isTimeout(Throwable thrown) {
    String message = thrown.getMessage();
    return thrown instanceof SQLException && message != null && message.contains("cquisition timeout");
  }

  @Override
  public String configuredName(Object pool, Object owner) {
    return null;
  }

  @Override
  public String jdbcUrl(Object pool, Object owner) throws Exception {
    return url.getString(factoryConfiguration.get(configuration.get(pool)));
  }
}
