package dev.spillway.agent.pool.tomcat;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

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
 * Advice for the Tomcat JDBC pool ({@code org.apache.tomcat:tomcat-jdbc}, tested: 10.1):
 * {@code ConnectionPool}.
 *
 * <ul>
 *   <li>Acquire: the private {@code borrowConnection(int, String, String)}, which both
 *       {@code getConnection} methods call (and the pool's start-up, for {@code initialSize}
 *       connections). A shedding rule's refusal is a {@code SQLTransientConnectionException}.
 *       {@code getConnectionAsync} is not measured.
 *   <li>Use: from the borrow to {@code returnConnection(PooledConnection)}, keyed on the
 *       {@code PooledConnection}, which the pool reuses.
 *   <li>Create: {@code createConnection(long, PooledConnection, String, String)}.
 * </ul>
 */
public final class TomcatJdbcInstrumentation implements TypeInstrumentation {

  static final String POOL = "org.apache.tomcat.jdbc.pool.ConnectionPool";
  static final String POOLED = "org.apache.tomcat.jdbc.pool.PooledConnection";
  static final String CONFIG = "org.apache.tomcat.jdbc.pool.PoolConfiguration";

  private final LibraryCheck check = new LibraryCheck("Tomcat JDBC", List.of(
      method(POOL, "borrowConnection", "int", "java.lang.String", "java.lang.String"),
      method(POOL, "returnConnection", POOLED),
      method(POOL, "createConnection", "long", POOLED, "java.lang.String", "java.lang.String"),
      method(POOL, "getActive"),
      method(POOL, "getIdle"),
      method(POOL, "getWaitCount"),
      method(POOL, "getPoolProperties"),
      method(POOL, "isClosed"),
      method(CONFIG, "getName"),
      method(CONFIG, "getUrl"),
      method(CONFIG, "getMaxActive"),
      method(CONFIG, "getMaxIdle"),
      method(CONFIG, "getMinIdle")));

  private final AsmVisitorWrapper pool = new AsmVisitorWrapper.Compound(
      Advice.to(AcquireAdvice.class).on(named("borrowConnection").and(takesArguments(3))
          .and(takesArgument(0, int.class))),
      Advice.to(ReleaseAdvice.class).on(named("returnConnection").and(takesArguments(1))),
      Advice.to(CreateAdvice.class).on(named("createConnection").and(takesArguments(4))));

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
      return PoolHooks.onAcquire(pool, PoolHooks.TOMCAT);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object pool, @Advice.Enter long start, @Advice.Return Object item,
        @Advice.Thrown Throwable thrown) {
      PoolHooks.afterAcquire(pool, PoolHooks.TOMCAT, start, item, thrown);
    }
  }

  static final class ReleaseAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object pool, @Advice.Argument(0) Object item) {
      PoolHooks.onRelease(pool, PoolHooks.TOMCAT, item);
    }
  }

  static final class CreateAdvice {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object pool) {
      return PoolHooks.beforeCreate(pool, PoolHooks.TOMCAT);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.This Object pool, @Advice.Enter long start, @Advice.Return Object created,
        @Advice.Thrown Throwable thrown) {
      PoolHooks.afterCreate(pool, PoolHooks.TOMCAT, start, created, thrown);
    }
  }
}
