package dev.spillway.agent.pool;

import dev.spillway.agent.AgentLog;
import java.lang.reflect.Method;

/**
 * The application's current span, read from the application's own OpenTelemetry API.
 *
 * <p>The agent's OpenTelemetry is relocated and isolated, so it cannot see the application's
 * context. On the (rare) slow-acquire path this looks up {@code io.opentelemetry.api.trace.Span}
 * through the pool's class loader, then the thread's context loader, and calls
 * {@code Span.current().getSpanContext()}. The methods are resolved once per pool class; a loader
 * without the API is remembered as such. Nothing here ever fails the caller.
 */
final class AppSpans {

  /** What the application's current span context says, when valid. */
  static final class Parent {
    final String traceId;
    final String spanId;
    final byte flags;

    Parent(String traceId, String spanId, byte flags) {
      this.traceId = traceId;
      this.spanId = spanId;
      this.flags = flags;
    }
  }

  private static final class Api {
    static final Api ABSENT = new Api(null, null, null, null, null, null, null);

    final Method current;
    final Method getSpanContext;
    final Method isValid;
    final Method getTraceId;
    final Method getSpanId;
    final Method getTraceFlags;
    final Method asByte;

    Api(Method current, Method getSpanContext, Method isValid, Method getTraceId, Method getSpanId,
        Method getTraceFlags, Method asByte) {
      this.current = current;
      this.getSpanContext = getSpanContext;
      this.isValid = isValid;
      this.getTraceId = getTraceId;
      this.getSpanId = getSpanId;
      this.getTraceFlags = getTraceFlags;
      this.asByte = asByte;
    }
  }

  /**
   * The application's API package, spelled so that the build's relocation of our own OpenTelemetry
   * ({@code io.opentelemetry} to {@code dev.spillway.shaded...}) leaves it alone: it rewrites
   * string constants too.
   */
  private static final String API = String.join(".", "io", "opentelemetry", "api", "trace") + ".";

  /**
   * Per pool class: the API its loader sees. A {@link ClassValue} lives on the class itself, so
   * these methods (which hold the application's classes) never keep a class loader alive.
   */
  private final ClassValue<Api> apis = new ClassValue<>() {
    @Override
    protected Api computeValue(Class<?> type) {
      Api api = resolve(type.getClassLoader());
      if (api == Api.ABSENT) {
        AgentLog.debug("no OpenTelemetry API next to " + type.getName() + " in " + type.getClassLoader()
            + ": its acquire spans take the thread's context loader's, or no parent");
      }
      return api;
    }
  };

  /** The application's current span on this thread, or null if there is none or no API. */
  Parent current(Class<?> poolClass) {
    Parent parent = current(apis.get(poolClass));
    if (parent == null) {
      // A pool shared by applications (an application server's): their API is in the thread's
      // context loader. Resolved each time, which only slow acquires pay.
      ClassLoader context = Thread.currentThread().getContextClassLoader();
      if (context != null && context != poolClass.getClassLoader()) {
        parent = current(resolve(context));
      }
    }
    return parent;
  }

  private static Parent current(Api api) {
    if (api == Api.ABSENT) {
      return null;
    }
    try {
      Object span = api.current.invoke(null);
      Object context = span == null ? null : api.getSpanContext.invoke(span);
      if (context == null || !Boolean.TRUE.equals(api.isValid.invoke(context))) {
        return null;
      }
      Object flags = api.getTraceFlags.invoke(context);
      return new Parent((String) api.getTraceId.invoke(context), (String) api.getSpanId.invoke(context),
          flags == null ? 0 : (Byte) api.asByte.invoke(flags));
    } catch (Exception | LinkageError e) {
      AgentLog.debug("cannot read the application's current span", e);
      return null;
    }
  }

  private static Api resolve(ClassLoader loader) {
    if (loader == null) {
      return Api.ABSENT;
    }
    try {
      Class<?> span = Class.forName(API + "Span", false, loader);
      Class<?> spanContext = Class.forName(API + "SpanContext", false, loader);
      Class<?> traceFlags = Class.forName(API + "TraceFlags", false, loader);
      return new Api(span.getMethod("current"), span.getMethod("getSpanContext"),
          spanContext.getMethod("isValid"), spanContext.getMethod("getTraceId"),
          spanContext.getMethod("getSpanId"), spanContext.getMethod("getTraceFlags"),
          traceFlags.getMethod("asByte"));
    } catch (Exception | LinkageError e) {
      return Api.ABSENT;
    }
  }
}
