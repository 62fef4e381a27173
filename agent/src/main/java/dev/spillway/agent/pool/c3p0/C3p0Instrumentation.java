package dev.spillway.agent.pool.c3p0;

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
 * Advice for c3p0 (tested: 0.10): {@code C3P0PooledConnectionPool}, the pool behind every
 * c3p0 data source (one per user and password).
 *
 * <ul>
 *   <li>Acquire: {@code checkoutPooledConnection()}, which {@code getConnection} calls; it
 *       declares {@code SQLException}, so a shedding rule's refusal is a
 *       {@code SQLTransientConnectionException}.
 *   <li>Use: from the checkout to the private {@code checkinPooledConnection(PooledConnection)},
 *       keyed on the pooled connection, which the pool reuses.
 *   <li>Create: {@code acquireResource()} of the pool's resource manager (a local class whose
 *       outer instance is the pool).
 *   <li>{@code AbstractPoolBackedDataSource.getConnection}: tells the hooks which data source the
 *       checkouts on this thread serve; its name and URL name the pool.
 * </ul>
 */
public final class C3p0Instrumentation implements TypeInstrumentation {

  static final String POOL = "com.mchange.v2.c3p0.impl.C3P0PooledConnectionPool";
  static final String MANAGER = POOL + "$1PooledConnectionResourcePoolManager";
  static final String DATA_SOURCE = "com.mchange.v2.c3p0.impl.AbstractPoolBackedDataSource";
  static final String RESOURCE_POOL = "com.mchange.v2.resourcepool.BasicResourcePool";

  private final LibraryCheck poolCheck = new LibraryCheck("c3p0", List.of(
      method(POOL, "checkoutPooledConnection"),
      method(POOL, "checkinPooledConnection", "javax.sql.PooledConnection"),
      method(POOL, "getNumBusyConnections"),
      method(POOL, "getNumIdleConnections"),
      method(POOL, "getNumThreadsAwaitingCheckout"),
      field(POOL, "rp"),
      method(RESOURCE_POOL, "getMaxPoolSize"),
      method(RESOURCE_POOL, "isBroken"),
      method(DATA_SOURCE, "getConnection"),
      method(DATA_SOURCE, "getDataSourceName")));

  private final LibraryCheck managerCheck = new LibraryCheck("c3p0 connection creation", List.of(
      field(MANAGER, "this$0"),
      method(MANAGER, "acquireResource")));

  private static final PoolAdvice ADVICE = new PoolAdvice(PoolHooks.C3P0);

  private final AsmVisitorWrapper pool = new AsmVisitorWrapper.Compound(
      ADVICE.acquire().on(named("checkoutPooledConnection").and(takesNoArguments())),
      ADVICE.release().on(named("checkinPooledConnection").and(takesArguments(1))));

  private final AsmVisitorWrapper manager =
      ADVICE.createInInner().on(named("acquireResource").and(takesNoArguments()));

  private final AsmVisitorWrapper dataSource =
      PoolAdvice.dataSource().on(named("getConnection"));

  @Override
  public Set<String> typeNames() {
    return Set.of(POOL, MANAGER, DATA_SOURCE);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return poolCheck.accepts(loader) && (!MANAGER.equals(type.getName()) || managerCheck.accepts(loader));
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    switch (type.getName()) {
      case POOL: return builder.visit(pool);
      case MANAGER: return builder.visit(manager);
      default: return builder.visit(dataSource);
    }
  }
}
