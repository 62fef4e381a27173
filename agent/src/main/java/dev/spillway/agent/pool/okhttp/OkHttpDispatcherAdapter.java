package dev.spillway.agent.pool.okhttp;

import dev.spillway.agent.pool.HttpPoolAdapter;
import dev.spillway.agent.pool.HttpRoutes;
import dev.spillway.agent.pool.Reflect.Getter;

/**
 * Reads OkHttp's {@code Dispatcher} (4.x and 5.x) through its own getters: calls running
 * ({@code runningCallsCount()}: asynchronous calls holding one of its slots plus synchronous calls
 * in {@code execute}), asynchronous calls queued for a slot ({@code queuedCallsCount()}), and its
 * limits {@code maxRequests} and {@code maxRequestsPerHost}. It is reported as the client's
 * request slots ({@code http.client.active_requests}, {@code http.client.queued_requests}), not as
 * connections: a call holds a slot before it asks the connection pool for a connection.
 *
 * <p>Shedding rules do not apply: the advice only finds the dispatcher (see
 * {@link OkHttpInstrumentation}).
 */
public final class OkHttpDispatcherAdapter extends HttpPoolAdapter {

  private final Getter running = new Getter("runningCallsCount");
  private final Getter queued = new Getter("queuedCallsCount");
  private final Getter maxRequests = new Getter("getMaxRequests");
  private final Getter maxRequestsPerHost = new Getter("getMaxRequestsPerHost");
  private final Getter runningCalls = new Getter("runningCalls");
  private final OkHttpUrls urls = new OkHttpUrls();

  public OkHttpDispatcherAdapter() {
    super(OkHttpNames.PACKAGES, null);
  }

  @Override
  public String library() {
    return "OkHttp dispatcher";
  }

  @Override
  public boolean seesAcquires(Object pool) {
    return false;
  }

  @Override
  public void read(Object dispatcher, PoolState into) throws Exception {
    into.activeRequests = running.getLong(dispatcher);
    into.queuedRequests = queued.getLong(dispatcher);
    into.requestLimit = maxRequests.getLong(dispatcher);
    into.requestLimitPerHost = maxRequestsPerHost.getLong(dispatcher);
  }

  /** The running calls by their request's target: {@code runningCalls()}, a copy OkHttp makes under its lock. */
  @Override
  public void readRoutes(Object dispatcher, HttpRoutes into) throws Exception {
    for (Object call : (Iterable<?>) runningCalls.get(dispatcher)) {
      Object url = urls.ofCall(call);
      into.requests(urls.scheme(url), urls.host(url), urls.port(url), 1);
    }
  }

  @Override
  public int pending(Object dispatcher) throws Exception {
    return (int) queued.getLong(dispatcher);
  }

  /** A dispatcher is never closed; it leaves the metrics when it is collected. */
  @Override
  public boolean isClosed(Object dispatcher) {
    return false;
  }

  /**
   * The using code's class with {@code .dispatcher}: the client's connection pool, first used by
   * the same code, keeps the plain name.
   */
  @Override
  public String nameAtFirstSight(Object pool) {
    String user = super.nameAtFirstSight(pool);
    return user == null ? null : user + ".dispatcher";
  }
}
