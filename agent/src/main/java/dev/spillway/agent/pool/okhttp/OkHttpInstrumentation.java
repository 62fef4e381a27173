package dev.spillway.agent.pool.okhttp;

import static dev.spillway.agent.pool.LibraryCheck.Requirement.field;
import static dev.spillway.agent.pool.LibraryCheck.Requirement.method;
import static net.bytebuddy.matcher.ElementMatchers.named;
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
 * Advice for OkHttp (tested: 4.12, 5.5; Kotlin, with the same class names in both), which only
 * finds its objects: the {@code Dispatcher} when a call enters it ({@code enqueue$okhttp} for
 * {@code Call.enqueue}, {@code executed$okhttp} for {@code Call.execute}), and the connection pool
 * ({@code RealConnectionPool}) when it takes a new connection ({@code put}) or one comes back
 * ({@code connectionBecameIdle}). Everything else is read from their getters at collection.
 *
 * <p>Nothing is timed or refused. A call waits for a dispatcher slot only when enqueued, and the
 * wait ends on another thread ({@code promoteAndExecute}); a connection is never waited for. A
 * shedding rule could only refuse at {@code enqueue}, and OkHttp's own way to fail an enqueued call
 * is its callback's {@code onFailure} with an {@code InterruptedIOException} (what it does when its
 * executor refuses the call), which the agent would have to call itself: not done.
 *
 * <p>The agent's own exporter uses a relocated copy of OkHttp, whose class names these are not
 * (see {@link OkHttpNames}).
 */
public final class OkHttpInstrumentation implements TypeInstrumentation {

  private final LibraryCheck check = new LibraryCheck("OkHttp", List.of(
      method(OkHttpNames.DISPATCHER, "enqueue$okhttp", OkHttpNames.ASYNC_CALL),
      method(OkHttpNames.DISPATCHER, "executed$okhttp", OkHttpNames.REAL_CALL),
      method(OkHttpNames.DISPATCHER, "runningCallsCount"),
      method(OkHttpNames.DISPATCHER, "queuedCallsCount"),
      method(OkHttpNames.DISPATCHER, "getMaxRequests"),
      method(OkHttpNames.DISPATCHER, "getMaxRequestsPerHost"),
      method(OkHttpNames.CONNECTION_POOL, "put", OkHttpNames.CONNECTION),
      method(OkHttpNames.CONNECTION_POOL, "connectionBecameIdle", OkHttpNames.CONNECTION),
      method(OkHttpNames.CONNECTION_POOL, "connectionCount"),
      method(OkHttpNames.CONNECTION_POOL, "idleConnectionCount"),
      field(OkHttpNames.CONNECTION_POOL, "maxIdleConnections"),
      // By route: the pool's connections, their route and calls, the dispatcher's running calls.
      field(OkHttpNames.CONNECTION_POOL, "connections"),
      method(OkHttpNames.CONNECTION, "route"),
      method(OkHttpNames.CONNECTION, "getCalls"),
      method(OkHttpNames.DISPATCHER, "runningCalls"),
      method(OkHttpNames.ROUTE, "address"),
      method(OkHttpNames.ADDRESS, "url"),
      method(OkHttpNames.HTTP_URL, "scheme"),
      method(OkHttpNames.HTTP_URL, "host"),
      method(OkHttpNames.HTTP_URL, "port")));

  private final AsmVisitorWrapper dispatcher = new PoolAdvice(PoolHooks.OKHTTP_DISPATCHER).use()
      .on(named("enqueue$okhttp").or(named("executed$okhttp")).and(takesArguments(1)));
  private final AsmVisitorWrapper pool = new PoolAdvice(PoolHooks.OKHTTP_POOL).use()
      .on(named("put").or(named("connectionBecameIdle")).and(takesArguments(1)));

  @Override
  public Set<String> typeNames() {
    return Set.of(OkHttpNames.DISPATCHER, OkHttpNames.CONNECTION_POOL);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return check.accepts(loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder.visit(type.getName().equals(OkHttpNames.DISPATCHER) ? dispatcher : pool);
  }
}
