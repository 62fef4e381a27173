package dev.spillway.agent.pool.httpclient5;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.pool.ApacheConnPoolAdapter;
import dev.spillway.agent.pool.Reflect;
import dev.spillway.agent.pool.Reflect.Getter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.RejectedExecutionException;

/**
 * Reads Apache HttpClient 5's pooling connection managers, classic
 * ({@code PoolingHttpClientConnectionManager}) and async ({@code PoolingAsyncClientConnectionManager}),
 * over a {@code StrictConnPool} or {@code LaxConnPool}; closed when {@code isClosed()}. A classic
 * lease that waits too long fails with {@code ConnectionRequestTimeoutException}, which is also
 * what a shedding rule's refusal throws there; an async one with the pool's
 * {@code DeadlineTimeoutException}, which a refused async lease fails with.
 */
public final class HttpClient5Adapter extends ApacheConnPoolAdapter {

  static final String CLASSIC = "org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager";
  static final String ASYNC = "org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager";
  static final String TIMEOUT = "org.apache.hc.core5.http.ConnectionRequestTimeoutException";
  static final String DEADLINE = "org.apache.hc.core5.util.Deadline";
  static final String DEADLINE_TIMEOUT = "org.apache.hc.core5.util.DeadlineTimeoutException";
  static final String BASIC_FUTURE = "org.apache.hc.core5.concurrent.BasicFuture";
  static final String FUTURE_CALLBACK = "org.apache.hc.core5.concurrent.FutureCallback";

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

  /** A classic lease's timeout, or an async one's: the pool's own {@code DeadlineTimeoutException}. */
  @Override
  public boolean isTimeout(Throwable thrown) {
    return super.isTimeout(thrown) || Reflect.causedBy(thrown, DEADLINE_TIMEOUT);
  }

  /**
   * An async lease failed as the pool fails one past its connection-request timeout: a
   * {@code BasicFuture} on the lease's callback, failed with the pool's own
   * {@code DeadlineTimeoutException} (a deadline of now; the library gives it no message of its
   * own), caused by a {@code RejectedExecutionException} carrying the rule's message. The callback
   * is told on this thread, as the pool tells it of a lease that fails at once; what it throws is
   * the caller's, as it would be then.
   */
  @Override
  public Object failedAsyncAcquire(Object manager, Object callback, String message) throws Exception {
    ClassLoader loader = manager.getClass().getClassLoader();
    Class<?> deadline = Class.forName(DEADLINE, false, loader);
    Object now = deadline.getMethod("fromUnixMilliseconds", long.class).invoke(null, System.currentTimeMillis());
    Exception timeout = (Exception) Class.forName(DEADLINE_TIMEOUT, false, loader).getMethod("from", deadline)
        .invoke(null, now);
    timeout.initCause(new RejectedExecutionException(message));
    Class<?> futureType = Class.forName(BASIC_FUTURE, false, loader);
    Object future = futureType.getConstructor(Class.forName(FUTURE_CALLBACK, false, loader)).newInstance(callback);
    Method failed = futureType.getMethod("failed", Exception.class);
    try {
      failed.invoke(future, timeout);
    } catch (InvocationTargetException e) {
      // The callback threw: the future is failed all the same, and the lease must not go on.
      AgentLog.debug("a refused lease's callback threw", e.getCause());
    }
    return future;
  }

  @Override
  public boolean isClosed(Object pool) throws Exception {
    return (Boolean) closed.get(pool);
  }
}
