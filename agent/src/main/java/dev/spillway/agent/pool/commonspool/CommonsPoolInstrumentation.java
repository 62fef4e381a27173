package dev.spillway.agent.pool.commonspool;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.anyMethod;
import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.isPrivate;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;

import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.pool.LibraryCheck;
import dev.spillway.agent.pool.PoolAdvice;
import dev.spillway.bootstrap.PoolHooks;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import net.bytebuddy.asm.AsmVisitorWrapper;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * Advice for Apache commons-pool2 2.x (tested: 2.12): {@code GenericObjectPool},
 * {@code GenericKeyedObjectPool} and, through them, Apache DBCP2 (tested: 2.13), whose
 * {@code BasicDataSource} pools its connections in a {@code GenericObjectPool}.
 *
 * <ul>
 *   <li>Acquire: the one {@code borrowObject} overload the others call, which differs by version:
 *       {@code borrowObject(Duration)} from 2.10 on, {@code borrowObject(long)} before (keyed:
 *       with a key first). One level only, so each borrow is counted once.
 *   <li>Use: from the borrow to {@code returnObject} or {@code invalidateObject}, keyed on the
 *       pooled object.
 *   <li>Create: the pool's private {@code create}, null when the pool was already full.
 * </ul>
 *
 * <p>Nothing of DBCP2 itself is rewritten: its pool tells its data source's name and URL through
 * its factory ({@link CommonsPoolAdapter}). Rewriting {@code BasicDataSource.getConnection} to say
 * so on the borrowing thread set and reset a thread-local on every call, for what the pool can
 * tell once.
 */
public final class CommonsPoolInstrumentation implements TypeInstrumentation {

  static final String POOL = "org.apache.commons.pool2.impl.GenericObjectPool";
  static final String KEYED = "org.apache.commons.pool2.impl.GenericKeyedObjectPool";

  private final LibraryCheck poolCheck = new LibraryCheck("commons-pool2", List.of(
      anyMethod(POOL, "borrowObject"),
      method(POOL, "returnObject", "java.lang.Object"),
      method(POOL, "invalidateObject", "java.lang.Object"),
      method(POOL, "getNumActive"),
      method(POOL, "getNumIdle"),
      method(POOL, "getNumWaiters"),
      method(POOL, "getMaxTotal"),
      method(POOL, "getMaxIdle"),
      method(POOL, "getMinIdle"),
      method(POOL, "isClosed"),
      anyMethod(KEYED, "borrowObject"),
      method(KEYED, "returnObject", "java.lang.Object", "java.lang.Object"),
      method(KEYED, "getNumActive"),
      method(KEYED, "getNumIdle"),
      method(KEYED, "getNumWaiters")));

  private static final PoolAdvice ADVICE = new PoolAdvice(PoolHooks.COMMONS_POOL);

  private final AsmVisitorWrapper poolSince210 = pool(takesArguments(Duration.class));
  private final AsmVisitorWrapper poolBefore210 = pool(takesArguments(long.class));
  private final AsmVisitorWrapper keyedSince210 = keyed(takesArgument(1, Duration.class));
  private final AsmVisitorWrapper keyedBefore210 = keyed(takesArgument(1, long.class));

  private static AsmVisitorWrapper pool(ElementMatcher.Junction<MethodDescription> leafArguments) {
    return new AsmVisitorWrapper.Compound(
        ADVICE.acquire().on(named("borrowObject").and(leafArguments)),
        ADVICE.release().on(named("returnObject").and(takesArguments(1))),
        ADVICE.release().on(named("invalidateObject")),
        ADVICE.create().on(named("create").and(isPrivate())));
  }

  private static AsmVisitorWrapper keyed(ElementMatcher.Junction<MethodDescription> leafArguments) {
    return new AsmVisitorWrapper.Compound(
        ADVICE.acquire().on(named("borrowObject").and(takesArguments(2)).and(leafArguments)),
        ADVICE.releaseAfterKey().on(named("returnObject").and(takesArguments(2))),
        ADVICE.releaseAfterKey().on(named("invalidateObject")),
        ADVICE.create().on(named("create").and(isPrivate())));
  }

  @Override
  public Set<String> typeNames() {
    return Set.of(POOL, KEYED);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return poolCheck.accepts(loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    boolean since210 = !type.getDeclaredMethods()
        .filter(named("borrowObject").and(takesArgument(type.getName().equals(KEYED) ? 1 : 0, Duration.class)))
        .isEmpty();
    return type.getName().equals(KEYED)
        ? builder.visit(since210 ? keyedSince210 : keyedBefore210)
        : builder.visit(since210 ? poolSince210 : poolBefore210);
  }
}
