package dev.spillway.agent.pool.agroal;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.field;
import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.not;
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
 * Advice for Agroal ({@code io.agroal:agroal-pool}, tested: 2.5): {@code ConnectionPool}, the pool
 * behind an {@code AgroalDataSource} (Quarkus' data sources among them).
 *
 * <ul>
 *   <li>Acquire: {@code getConnection()}, which declares {@code SQLException}, so a shedding
 *       rule's refusal is a {@code SQLTransientConnectionException}.
 *   <li>Use: from the acquire to {@code returnConnectionHandler(ConnectionHandler)}, keyed on the
 *       connection handler, which the pool reuses.
 *   <li>Create: {@code call()} of the pool's {@code CreateConnectionTask} (an inner class whose
 *       outer instance is the pool).
 * </ul>
 */
public final class AgroalInstrumentation implements TypeInstrumentation {

  static final String POOL = "io.agroal.pool.ConnectionPool";
  static final String CREATE_TASK = POOL + "$CreateConnectionTask";
  static final String HANDLER = "io.agroal.pool.ConnectionHandler";
  static final String CONFIG = "io.agroal.api.configuration.AgroalConnectionPoolConfiguration";
  static final String FACTORY_CONFIG = "io.agroal.api.configuration.AgroalConnectionFactoryConfiguration";

  private final LibraryCheck poolCheck = new LibraryCheck("Agroal", List.of(
      method(POOL, "getConnection"),
      method(POOL, "returnConnectionHandler", HANDLER),
      method(POOL, "activeCount"),
      method(POOL, "availableCount"),
      method(POOL, "awaitingCount"),
      method(POOL, "getConfiguration"),
      field(POOL, "housekeepingExecutor"),
      method(CONFIG, "maxSize"),
      method(CONFIG, "connectionFactoryConfiguration"),
      method(FACTORY_CONFIG, "jdbcUrl"),
      method("io.agroal.pool.wrapper.ConnectionWrapper", "getHandler")));

  private final LibraryCheck createCheck = new LibraryCheck("Agroal connection creation", List.of(
      field(CREATE_TASK, "this$0"),
      method(CREATE_TASK, "call")));

  private static final PoolAdvice ADVICE = new PoolAdvice(PoolHooks.AGROAL);

  private final AsmVisitorWrapper pool = new AsmVisitorWrapper.Compound(
      ADVICE.acquire().on(named("getConnection").and(takesNoArguments())),
      ADVICE.release().on(named("returnConnectionHandler").and(takesArguments(1))));

  private final AsmVisitorWrapper createTask =
      ADVICE.createInInner().on(named("call").and(takesNoArguments()).and(not(isBridge())));

  @Override
  public Set<String> typeNames() {
    return Set.of(POOL, CREATE_TASK);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return poolCheck.accepts(loader) && (!CREATE_TASK.equals(type.getName()) || createCheck.accepts(loader));
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    return CREATE_TASK.equals(type.getName()) ? builder.visit(createTask) : builder.visit(pool);
  }
}
