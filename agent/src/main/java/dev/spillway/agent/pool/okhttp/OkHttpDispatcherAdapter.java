package dev.spillway.agent.pool.okhttp;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.pool.HttpPoolAdapter;
import dev.spillway.agent.pool.HttpRoutes;
import dev.spillway.agent.pool.Reflect.FieldReader;
import dev.spillway.agent.pool.Reflect.Getter;
import dev.spillway.agent.pool.Reflect.NumberGetter;
import dev.spillway.agent.pool.Reflect.OneArgGetter;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.RejectedExecutionException;

/**
 * Reads OkHttp's {@code Dispatcher} (4.x and 5.x) through its own getters: calls running
 * ({@code runningCallsCount()}: asynchronous calls holding one of its slots plus synchronous calls
 * in {@code execute}), asynchronous calls queued for a slot ({@code queuedCallsCount()}), and its
 * limits {@code maxRequests} and {@code maxRequestsPerHost}. It is reported as the client's
 * request slots ({@code http.client.active_requests}, {@code http.client.queued_requests}), not as
 * connections: a call holds a slot before it asks the connection pool for a connection.
 *
 * <p>Its acquire is a dispatcher slot: an enqueued call waits for one (under {@code maxRequests}
 * and {@code maxRequestsPerHost}), timed from {@code enqueue} to the slot, refused there by a
 * shedding rule (see {@link OkHttpInstrumentation}).
 */
public final class OkHttpDispatcherAdapter extends HttpPoolAdapter {

  private final Getter running = new Getter("runningCallsCount");
  private final Getter queued = new Getter("queuedCallsCount");
  /** Read on each admission while a rule applies: a method handle, no allocation. */
  private final NumberGetter queuedNow = new NumberGetter("queuedCallsCount");
  private final Getter getCall = new Getter("getCall");
  private final FieldReader responseCallback = new FieldReader("responseCallback");
  private final OneArgGetter noMoreExchanges = new OneArgGetter("noMoreExchanges$okhttp");
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

  /** Nothing times a queued call out in the dispatcher: no {@code timeouts}. */
  @Override
  public boolean countsTimeouts(Object pool) {
    return false;
  }

  @Override
  public boolean acquiresRequestSlots() {
    return true;
  }

  /**
   * Fails an enqueued call as OkHttp fails one its executor refuses: an
   * {@code InterruptedIOException} (here with the rule's message, caused by a
   * {@code RejectedExecutionException}), the call's {@code noMoreExchanges} (its event listener's
   * {@code callFailed}), then its callback's {@code onFailure}, on the enqueuing thread, as OkHttp
   * does when the refusal comes inside {@code enqueue}. The call never enters the dispatcher, so
   * nothing is to be given back. What the callback throws is logged, not thrown: the call is
   * refused either way.
   */
  @Override
  public Object failedAsyncAcquire(Object dispatcher, Object asyncCall, String message) throws Exception {
    Object call = getCall.get(asyncCall);
    Object callback = responseCallback.get(asyncCall);
    ClassLoader loader = dispatcher.getClass().getClassLoader();
    Method onFailure = Class.forName(OkHttpNames.CALLBACK, false, loader)
        .getMethod("onFailure", Class.forName(OkHttpNames.CALL, false, loader), IOException.class);
    InterruptedIOException failure = new InterruptedIOException(message);
    failure.initCause(new RejectedExecutionException(message));
    noMoreExchanges.get(call, failure);
    try {
      onFailure.invoke(callback, call, failure);
    } catch (InvocationTargetException e) {
      AgentLog.debug("a refused OkHttp call's callback threw", e.getCause());
    }
    return failure;
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
    return (int) queuedNow.get(dispatcher);
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
