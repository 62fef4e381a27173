package dev.spillway.agent.pool.hikari;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.field;
import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.pool.LibraryCheck;
import dev.spillway.agent.pool.PoolAdvice;
import dev.spillway.bootstrap.PoolHooks;
import java.util.List;
import java.util.Set;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;

/**
 * Advice for HikariCP (tested: 5.1, 6.3, 7.0): {@code HikariPool}.
 *
 * <ul>
 *   <li>Acquire: {@code HikariPool.getConnection(long)}, which {@code getConnection()} and
 *       {@code HikariDataSource.getConnection()} call: one level, so counted once. A shedding
 *       rule's refusal is thrown there, as a {@code SQLTransientConnectionException}, the type of
 *       Hikari's own timeout.
 *   <li>Use: from the acquire to {@code HikariPool.recycle(PoolEntry)}, keyed on the
 *       {@code PoolEntry} behind the returned proxy connection, which the pool reuses (the proxy
 *       is new on every borrow).
 *   <li>Create: {@code HikariPool.createPoolEntry()}, null when the connection could not be made.
 * </ul>
 */
public final class HikariInstrumentation implements TypeInstrumentation {

  static final String POOL = "com.zaxxer.hikari.pool.HikariPool";
  static final String ENTRY = "com.zaxxer.hikari.pool.PoolEntry";
  static final String PROXY = "com.zaxxer.hikari.pool.ProxyConnection";
  static final String CONFIG = "com.zaxxer.hikari.HikariConfig";

  private final LibraryCheck check = new LibraryCheck("HikariCP", List.of(
      method(POOL, "getConnection", "long"),
      method(POOL, "recycle", ENTRY),
      method(POOL, "createPoolEntry"),
      method(POOL, "getActiveConnections"),
      method(POOL, "getIdleConnections"),
      method(POOL, "getThreadsAwaitingConnection"),
      field(POOL, "config"),
      field(POOL, "poolState"),
      field(PROXY, "poolEntry"),
      method(CONFIG, "getPoolName"),
      method(CONFIG, "getJdbcUrl"),
      method(CONFIG, "getMaximumPoolSize"),
      method(CONFIG, "getMinimumIdle")));

  private static final PoolAdvice ADVICE = new PoolAdvice(PoolHooks.HIKARI);

  private final AsmVisitorWrapper pool = new AsmVisitorWrapper.Compound(
      ADVICE.acquire().on(named("getConnection").and(takesArguments(long.class))),
      ADVICE.release().on(named("recycle").and(takesArguments(1))),
      ADVICE.create().on(named("createPoolEntry").and(takesNoArguments())));

  @Override
  public Set<String> typeNames() {
    return Set.of(POOL);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return check.accepts(loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder.visit(pool);
  }
}
