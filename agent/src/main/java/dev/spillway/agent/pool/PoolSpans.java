package dev.spillway.agent.pool;

import dev.spillway.agent.shedding.BoundRule;
import dev.spillway.agent.trace.AppSpans;
import dev.spillway.agent.trace.EventBudget;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * What connection pools add to the application's traces.
 *
 * <ul>
 *   <li>The span of a slow or failed acquire: one span, {@code db.client.connection.acquire}
 *       ({@code http.client.connection.acquire} for an HTTP client's pool), for an acquire that
 *       waited at least {@code spillway.pool.slow-acquire} or timed out, made a child of the
 *       application's current span when there is one ({@link AppSpans}), so that it shows inside
 *       the request that waited. Fast acquires make no span.
 *   <li>A timeout is also an event, {@code db.client.connection.timeout} (or
 *       {@code http.client.connection.timeout}), on that span and on the caller's current span; a
 *       shedding rule's refusal is an event {@value #SHED} on the caller's current span (it
 *       refuses before any wait, so no acquire span exists for it). At most
 *       {@value EventBudget#PER_TARGET} events a second per pool, so that a flood of refusals is
 *       not a flood of span data; the counters count every one anyway.
 * </ul>
 */
final class PoolSpans {

  /** The JDBC names; an HTTP client pool's are its {@link PoolDomain}'s. */
  static final String NAME = PoolDomain.DB.acquireSpan();
  static final String TIMEOUT = PoolDomain.DB.name("timeout");
  static final String SHED = "spillway.shed";
  static final AttributeKey<Double> WAIT = AttributeKey.doubleKey("spillway.pool.wait_time");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("spillway.pool.acquire.outcome");
  static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");

  /** How an acquire ended. */
  enum Outcome {
    OK("ok"), TIMEOUT("timeout"), ERROR("error");

    final String value;

    Outcome(String value) {
      this.value = value;
    }
  }

  private final Tracer tracer;
  private final AppSpans appSpans = AppSpans.get();

  PoolSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  /**
   * Records an acquire of {@code waitNanos} that ended now: on the thread that asked for it when
   * {@code onCallerThread}, as a child of the application's current span; otherwise (an async
   * lease, ended on a library thread whose current span is not the requester's) as a root span,
   * with no event on any application span.
   */
  void acquired(PoolTracker tracker, PoolSeries series, Class<?> poolClass, long waitNanos, Outcome outcome,
      Throwable thrown, boolean onCallerThread) {
    Instant end = Instant.now();
    long endNanos = TimeUnit.SECONDS.toNanos(end.getEpochSecond()) + end.getNano();
    AppSpans.Parent app = onCallerThread ? appSpans.current(poolClass.getClassLoader()) : null;
    ClassLoader context = onCallerThread ? contextLoader(poolClass) : null;
    if (app == null && context != null) {
      // A pool shared by applications (an application server's): their API is in the thread's
      // context loader.
      app = appSpans.current(context);
    }
    Context parent = app == null ? Context.root() : app.context();
    double wait = Math.max(0, waitNanos) / 1e9;
    AttributeKey<String> poolName = series.domain.poolName;
    Span span = tracer.spanBuilder(series.domain.acquireSpan())
        .setParent(parent)
        .setSpanKind(SpanKind.INTERNAL)
        .setStartTimestamp(endNanos - Math.max(0, waitNanos), TimeUnit.NANOSECONDS)
        .setAttribute(poolName, series.name)
        .setAttribute(WAIT, wait)
        .setAttribute(OUTCOME, outcome.value)
        .startSpan();
    if (outcome != Outcome.OK) {
      span.setStatus(StatusCode.ERROR, thrown == null ? outcome.value : thrown.getClass().getName());
    }
    if (outcome == Outcome.TIMEOUT && tracker.events.tryTake()) {
      String type = thrown == null ? null : thrown.getClass().getName();
      String timeout = series.domain.name("timeout");
      span.addEvent(timeout, type == null ? Attributes.of(poolName, series.name, WAIT, wait)
          : Attributes.of(poolName, series.name, WAIT, wait, EXCEPTION_TYPE, type),
          endNanos, TimeUnit.NANOSECONDS);
      if (onCallerThread) {
        appEvent(poolClass, timeout, poolName.getKey(), series.name, WAIT.getKey(), wait,
            EXCEPTION_TYPE.getKey(), type);
      }
    }
    span.end(endNanos, TimeUnit.NANOSECONDS);
  }

  /** A shedding rule refused an acquire on the calling thread. */
  void shed(PoolTracker tracker, PoolSeries series, Class<?> poolClass, BoundRule refusal) {
    if (tracker.events.tryTake()) {
      appEvent(poolClass, SHED, "spillway.target.kind", "pool", "spillway.target.name", series.name,
          "spillway.rule", refusal.rule().name(), "spillway.shed.reason", refusal.conditions());
    }
  }

  /** An event on the application's current span: its API as the pool's loader sees it, or the thread's. */
  private void appEvent(Class<?> poolClass, String name, Object... attributes) {
    if (!appSpans.addEvent(poolClass.getClassLoader(), name, attributes)) {
      ClassLoader context = contextLoader(poolClass);
      if (context != null) {
        appSpans.addEvent(context, name, attributes);
      }
    }
  }

  /** The thread's context loader when it is not the pool's own (already asked), else null. */
  private static ClassLoader contextLoader(Class<?> poolClass) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    return context == poolClass.getClassLoader() ? null : context;
  }
}
