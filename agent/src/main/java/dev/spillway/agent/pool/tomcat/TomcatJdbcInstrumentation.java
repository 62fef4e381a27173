package dev.spillway.agent.pool.tomcat;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

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

  private static final PoolAdvice ADVICE = new PoolAdvice(PoolHooks.TOMCAT);

  private final AsmVisitorWrapper pool = new AsmVisitorWrapper.Compound(
      ADVICE.acquire().on(named("borrowConnection").and(takesArguments(3))
          .and(takesArgument(0, int.class))),
      ADVICE.release().on(named("returnConnection").and(takesArguments(1))),
      ADVICE.create().on(named("createConnection").and(takesArguments(4))));

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
