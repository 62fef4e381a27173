package dev.spillway.agent.pool.httpclient5;

import dev.spillway.agent.pool.ApacheConnPoolAdapter;
import dev.spillway.agent.pool.Reflect.Getter;

/**
 * Reads Apache HttpClient 5's pooling connection managers, classic
 * ({@code PoolingHttpClientConnectionManager}) and async ({@code PoolingAsyncClientConnectionManager}),
 * over a {@code StrictConnPool} or {@code LaxConnPool}; closed when {@code isClosed()}. A lease
 * that waits too long fails with {@code ConnectionRequestTimeoutException}, which is also what a
 * shedding rule's refusal throws.
 */
public final class HttpClient5Adapter extends ApacheConnPoolAdapter {

  static final String CLASSIC = "org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager";
  static final String ASYNC = "org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager";
  static final String TIMEOUT = "org.apache.hc.core5.http.ConnectionRequestTimeoutException";

  private final Getter closed = new Getter("isClosed");

  public HttpClient5Adapter() {
    super(new String[] {"org.apache.hc.", "org.slf4j."}, TIMEOUT);
  }

  @Override
  public String library() {
    return "Apache HttpClient 5";
  }

  /** The exec runtime's manager may be another kind (a {@code BasicHttpClientConnectionManager}): not a pool. */
  @Override
  public boolean accepts(Object pool) {
    for (Class<?> type = pool.getClass(); type != null; type = type.getSuperclass()) {
      if (type.getName().equals(CLASSIC) || type.getName().equals(ASYNC)) {
        return true;
      }
    }
    return false;
  }

  /** The async manager's leases complete on an I/O thread: not timed, so no timeouts counted. */
  @Override
  public boolean seesAcquires(Object pool) {
    for (Class<?> type = pool.getClass(); type != null; type = type.getSuperclass()) {
      if (type.getName().equals(ASYNC)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean isClosed(Object pool) throws Exception {
    return (Boolean) closed.get(pool);
  }
}
