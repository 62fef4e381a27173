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
 * <p>OkHttp's acquire is the dispatcher slot: a connection is never waited for (a call without an
 * idle one opens one), but an enqueued call waits in the dispatcher under {@code maxRequests} and
 * {@code maxRequestsPerHost}. That wait is timed from {@code enqueue$okhttp} to the call's
 * {@code AsyncCall.executeOn}, where {@code promoteAndExecute} (on whichever thread) hands it its
 * slot; a call promoted inside its own {@code enqueue} waited 0. A shedding rule refuses at
 * {@code enqueue}, as OkHttp fails a call its executor refuses (see
 * {@link OkHttpDispatcherAdapter#failedAsyncAcquire}). Blocking {@code execute} calls take no
 * slot: found only.
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
      method(OkHttpNames.HTTP_URL, "port"),
      // The wait for a dispatcher slot, and a refusal as OkHttp's own.
      method(OkHttpNames.ASYNC_CALL, "executeOn", "java.util.concurrent.ExecutorService"),
      method(OkHttpNames.ASYNC_CALL, "getCall"),
      field(OkHttpNames.ASYNC_CALL, "responseCallback"),
      method(OkHttpNames.REAL_CALL, "noMoreExchanges$okhttp", "java.io.IOException"),
      method(OkHttpNames.CALLBACK, "onFailure", OkHttpNames.CALL, "java.io.IOException")));

  private static final PoolAdvice DISPATCHER = new PoolAdvice(PoolHooks.OKHTTP_DISPATCHER);
  private final AsmVisitorWrapper dispatcher = new AsmVisitorWrapper.Compound(
      DISPATCHER.asyncAcquireOfArgument().on(named("enqueue$okhttp").and(takesArguments(1))),
      DISPATCHER.use().on(named("executed$okhttp").and(takesArguments(1))));
  private final AsmVisitorWrapper slotTaken = PoolAdvice.asyncAcquiredThis()
      .on(named("executeOn").and(takesArguments(1)));
  private final AsmVisitorWrapper pool = new PoolAdvice(PoolHooks.OKHTTP_POOL).use()
      .on(named("put").or(named("connectionBecameIdle")).and(takesArguments(1)));

  @Override
  public Set<String> typeNames() {
    return Set.of(OkHttpNames.DISPATCHER, OkHttpNames.ASYNC_CALL, OkHttpNames.CONNECTION_POOL);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return check.accepts(loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    String name = type.getName();
    return builder.visit(name.equals(OkHttpNames.DISPATCHER) ? dispatcher
        : name.equals(OkHttpNames.ASYNC_CALL) ? slotTaken : pool);
  }
}
