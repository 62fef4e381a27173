package dev.spillway.agent.pool.httpclient4;

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
 * Advice for Apache HttpClient 4.5 (tested: 4.5.14): {@code PoolingHttpClientConnectionManager}.
 * Acquire: its protected {@code leaseConnection(Future, long, TimeUnit)}, which the connection
 * request's {@code get} calls and which waits for the pool's lease: timed, its
 * {@code ConnectionPoolTimeoutException} counted as a timeout. A shedding rule's refusal is thrown
 * there as a {@code ConnectionPoolTimeoutException}, the type the method declares.
 */
public final class HttpClient4Instrumentation implements TypeInstrumentation {

  static final String MANAGER = HttpClient4Adapter.MANAGER;
  static final String POOL = "org.apache.http.pool.AbstractConnPool";
  static final String STATS = "org.apache.http.pool.PoolStats";
  static final String ROUTE = "org.apache.http.conn.routing.HttpRoute";
  static final String HOST = "org.apache.http.HttpHost";

  private final LibraryCheck check = new LibraryCheck("Apache HttpClient 4.5", List.of(
      method(MANAGER, "leaseConnection", "java.util.concurrent.Future", "long", "java.util.concurrent.TimeUnit"),
      method(MANAGER, "getTotalStats"),
      method(MANAGER, "getDefaultMaxPerRoute"),
      method(MANAGER, "getRoutes"),
      method(MANAGER, "getStats", ROUTE),
      method(ROUTE, "getTargetHost"),
      method(HOST, "getSchemeName"),
      method(HOST, "getHostName"),
      method(HOST, "getPort"),
      field(MANAGER, "pool"),
      method(POOL, "isShutdown"),
      method(STATS, "getLeased"),
      method(STATS, "getAvailable"),
      method(STATS, "getPending"),
      method(STATS, "getMax")));

  private static final PoolAdvice ADVICE = new PoolAdvice(PoolHooks.HTTPCLIENT4);

  private final AsmVisitorWrapper manager = ADVICE.acquire().on(named("leaseConnection").and(takesArguments(3)));

  @Override
  public Set<String> typeNames() {
    return Set.of(MANAGER);
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return check.accepts(loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    return builder.visit(manager);
  }
}
