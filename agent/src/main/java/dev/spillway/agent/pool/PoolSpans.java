package dev.spillway.agent.pool;

import dev.spillway.agent.trace.AppSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The span of a slow or failed connection acquire: one span, {@code db.client.connection.acquire}
 * ({@code http.client.connection.acquire} for an HTTP client's pool),
 * for an acquire that waited at least {@code spillway.pool.slow-acquire} or timed out, made a child
 * of the application's current span when there is one ({@link AppSpans}), so that it shows inside
 * the request that waited. Fast acquires make no span.
 */
final class PoolSpans {

  /** The JDBC span's name; an HTTP client pool's is {@code http.client.connection.acquire}. */
  static final String NAME = PoolDomain.DB.acquireSpan();
  static final AttributeKey<Double> WAIT = AttributeKey.doubleKey("spillway.pool.wait_time");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("spillway.pool.acquire.outcome");

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

  /** Records an acquire of {@code waitNanos} that ended now, on the calling thread. */
  void acquired(PoolSeries series, Class<?> poolClass, long waitNanos, Outcome outcome, Throwable thrown) {
    Instant end = Instant.now();
    long endNanos = TimeUnit.SECONDS.toNanos(end.getEpochSecond()) + end.getNano();
    AppSpans.Parent app = appSpans.current(poolClass.getClassLoader());
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    if (app == null && context != null && context != poolClass.getClassLoader()) {
      // A pool shared by applications (an application server's): their API is in the thread's
      // context loader.
      app = appSpans.current(context);
    }
    Context parent = app == null ? Context.root() : app.context();
    Span span = tracer.spanBuilder(series.domain.acquireSpan())
        .setParent(parent)
        .setSpanKind(SpanKind.INTERNAL)
        .setStartTimestamp(endNanos - Math.max(0, waitNanos), TimeUnit.NANOSECONDS)
        .setAttribute(series.domain.poolName, series.name)
        .setAttribute(WAIT, Math.max(0, waitNanos) / 1e9)
        .setAttribute(OUTCOME, outcome.value)
        .startSpan();
    if (outcome != Outcome.OK) {
      span.setStatus(StatusCode.ERROR, thrown == null ? outcome.value : thrown.getClass().getName());
    }
    span.end(endNanos, TimeUnit.NANOSECONDS);
  }
}
