package dev.spillway.agent.pool.hikari;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.field;
import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.takesNoArguments;

import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.pool.LibraryCheck;
import dev.spillway.bootstrap.PoolHooks;
import java.util.List;
import java.util.Set;
import net.bytebuddy.asm.Advice;
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

  private final AsmVisitorWrapper pool = new AsmVisitorWrapper.Compound(
      Advice.to(AcquireAdvice.class).on(named("getConnection").and(takesArguments(long.class))),
      Advice.to(ReleaseAdvice.class).on(named("recycle").and(takesArguments(1))),
      Advice.to(CreateAdvice.class).on(named("createPoolEntry").and(takesNoArguments())));

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

  /**
   * Not {@code suppress} on enter: a shedding rule's refusal must reach the caller. The hook
   * guarantees that nothing else escapes.
   */
  static final class AcquireAdvice {
    @Advice.OnMethodEnter
    static long enter(@Advice.This Object pool) {
      return PoolHooks.onAcquire(pool, PoolHooks.HIKARI);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object pool, @Advice.Enter long start, @Advice.Return Object connection,
        @Advice.Thrown Throwable thrown) {
      PoolHooks.afterAcquire(pool, PoolHooks.HIKARI, start, connection, thrown);
    }
  }

  static final class ReleaseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object pool, @Advice.Argument(0) Object entry) {
      PoolHooks.onRelease(pool, PoolHooks.HIKARI, entry);
    }
  }

  static final class CreateAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object pool) {
      return PoolHooks.beforeCreate(pool, PoolHooks.HIKARI);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object pool, @Advice.Enter long start, @Advice.Return Object entry,
        @Advice.Thrown Throwable thrown) {
      PoolHooks.afterCreate(pool, PoolHooks.HIKARI, start, entry, thrown);
    }
  }
}
