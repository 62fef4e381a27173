package dev.spillway.agent.pool.httpclient5;

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
 * Advice for Apache HttpClient 5 (tested: 5.4, 5.5).
 *
 * <ul>
 *   <li>Classic acquire: {@code InternalExecRuntime.acquireEndpoint}, which leases from its
 *       {@code manager} and waits for the lease: the whole wait of a request for a connection, on
 *       the caller's thread, timed, its {@code ConnectionRequestTimeoutException} counted as a
 *       timeout. The pool is the manager (a {@code PoolingHttpClientConnectionManager}; any other
 *       manager is ignored). A shedding rule's refusal is thrown there, before the lease, as a
 *       {@code ConnectionRequestTimeoutException}: the caller's {@code execute} throws it as it
 *       would after waiting out the pool's timeout.
 *   <li>Async: {@code PoolingAsyncClientConnectionManager.lease} returns a future at once; the
 *       pool hands the connection over later, on an I/O thread, through the lease's own callback
 *       (the anonymous {@code FutureCallback} of the future's constructor, {@code $3$1} in 5.4 and
 *       5.5), whose {@code leaseCompleted}, {@code failed} and {@code cancelled} end it. A lease
 *       done when {@code lease} returns (a free connection) waited 0; one still open is kept
 *       (weakly) until its callback ends it: its wait, its {@code DeadlineTimeoutException} (the
 *       pool's connection-request timeout) counted as a timeout. A shedding rule's refusal skips
 *       the lease and returns a future failed the way the pool fails one that timed out, its
 *       callback told.
 * </ul>
 *
 * The manager's own {@code lease} is not woven: it returns at once, before any wait.
 */
public final class HttpClient5Instrumentation implements TypeInstrumentation {

  static final String RUNTIME = "org.apache.hc.client5.http.impl.classic.InternalExecRuntime";
  static final String ROUTE = "org.apache.hc.client5.http.HttpRoute";
  static final String CONTEXT = "org.apache.hc.client5.http.protocol.HttpClientContext";
  static final String STATS = "org.apache.hc.core5.pool.PoolStats";
  static final String HOST = "org.apache.hc.core5.http.HttpHost";
  /** The async lease's future (an anonymous class of {@code lease}) and its callback from the pool. */
  static final String LEASE = HttpClient5Adapter.ASYNC + "$3";
  static final String LEASE_CALLBACK = LEASE + "$1";
  static final String POOL_ENTRY = "org.apache.hc.core5.pool.PoolEntry";

  private final LibraryCheck check = new LibraryCheck("Apache HttpClient 5", List.of(
      method(RUNTIME, "acquireEndpoint", "java.lang.String", ROUTE, "java.lang.Object", CONTEXT),
      field(RUNTIME, "manager"),
      method(HttpClient5Adapter.CLASSIC, "getTotalStats"),
      method(HttpClient5Adapter.CLASSIC, "getDefaultMaxPerRoute"),
      method(HttpClient5Adapter.CLASSIC, "isClosed"),
      method(HttpClient5Adapter.CLASSIC, "getRoutes"),
      method(HttpClient5Adapter.CLASSIC, "getStats", ROUTE),
      method(HttpClient5Adapter.ASYNC, "lease", "java.lang.String", ROUTE, "java.lang.Object",
          "org.apache.hc.core5.util.Timeout", "org.apache.hc.core5.concurrent.FutureCallback"),
      method(HttpClient5Adapter.ASYNC, "getTotalStats"),
      method(HttpClient5Adapter.ASYNC, "getDefaultMaxPerRoute"),
      method(HttpClient5Adapter.ASYNC, "isClosed"),
      field(LEASE_CALLBACK, "this$1"),
      method(LEASE_CALLBACK, "leaseCompleted", POOL_ENTRY),
      method(LEASE_CALLBACK, "failed", "java.lang.Exception"),
      method(LEASE_CALLBACK, "cancelled"),
      method(HttpClient5Adapter.BASIC_FUTURE, "failed", "java.lang.Exception"),
      method(HttpClient5Adapter.DEADLINE_TIMEOUT, "from", HttpClient5Adapter.DEADLINE),
      method(HttpClient5Adapter.DEADLINE, "fromUnixMilliseconds", "long"),
      method(HttpClient5Adapter.ASYNC, "getRoutes"),
      method(HttpClient5Adapter.ASYNC, "getStats", ROUTE),
      method(ROUTE, "getTargetHost"),
      method(HOST, "getSchemeName"),
      method(HOST, "getHostName"),
      method(HOST, "getPort"),
      method(STATS, "getLeased"),
      method(STATS, "getAvailable"),
      method(STATS, "getPending"),
      method(STATS, "getMax")));

  private static final PoolAdvice ADVICE = new PoolAdvice(PoolHooks.HTTPCLIENT5);

  private final AsmVisitorWrapper runtime =
      ADVICE.acquireByManager().on(named("acquireEndpoint").and(takesArguments(4)));
  private final AsmVisitorWrapper async = ADVICE.asyncAcquire().on(named("lease").and(takesArguments(5)));
  private final AsmVisitorWrapper leaseCallback = PoolAdvice.asyncAcquired().on(
      named("leaseCompleted").and(takesArguments(1)).or(named("failed").and(takesArguments(1)))
          .or(named("cancelled").and(takesArguments(0))));

  @Override
  public Set<String> typeNames() {
    return Set.of(RUNTIME, HttpClient5Adapter.ASYNC, LEASE_CALLBACK);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return check.accepts(loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    String name = type.getName();
    return builder.visit(name.equals(RUNTIME) ? runtime : name.equals(LEASE_CALLBACK) ? leaseCallback : async);
  }
}
