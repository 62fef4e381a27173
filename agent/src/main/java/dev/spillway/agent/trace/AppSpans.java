package dev.spillway.agent.trace;

import dev.spillway.agent.AgentLog;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.WeakReference;
import java.lang.reflect.Method;

/**
 * The application's current span: read from the OpenTelemetry Java agent when it runs in this
 * JVM, otherwise from the application's own OpenTelemetry API.
 *
 * <p>Our OpenTelemetry is relocated and isolated, so it cannot see the application's context.
 * <ul>
 *   <li>The OpenTelemetry Java agent keeps the context in its own relocated classes; its bootstrap
 *       class {@code io.opentelemetry.javaagent.bootstrap.Java8BytecodeBridge} hands out the
 *       current span. It is the truth whenever that agent runs: an application's own API is
 *       bridged to it, and a service that declares no API (the usual case) has nothing else.
 *   <li>Otherwise {@code io.opentelemetry.api.trace.Span.current()} as the given class loader
 *       sees it (a pool's own loader, or a submitting thread's context loader).
 * </ul>
 * Methods are resolved on the public interfaces once; a loader without the API is remembered as
 * such. Nothing here ever fails the caller: any failure reads as "no current span".
 *
 * <p><b>The untraced submit.</b> Every submit to an executor asks {@link #currentSampled}, and
 * most find no span. {@code Span.current()} then returns the API's one invalid span,
 * {@code Span.getInvalid()}, the very instance: an identity check against it, kept per API,
 * answers "none" after one call, through a method handle bound once (not {@code Method.invoke},
 * which boxes, checks access and, on JDK 18 and later, goes through a handle it cannot inline).
 */
public final class AppSpans {

  /** What the application's current span context says, when valid. */
  public static final class Parent {
    public final String traceId;
    public final String spanId;
    public final byte flags;

    Parent(String traceId, String spanId, byte flags) {
      this.traceId = traceId;
      this.spanId = spanId;
      this.flags = flags;
    }

    /** Whether the application records this trace (W3C flag 01). */
    public boolean sampled() {
      return (flags & 1) != 0;
    }

    /** A context of our own OpenTelemetry whose span is this one: the parent of a span we make. */
    public Context context() {
      return Context.root().with(Span.wrap(SpanContext.createFromRemoteParent(traceId, spanId,
          TraceFlags.fromByte(flags), TraceState.getDefault())));
    }
  }

  /**
   * The root package of the OpenTelemetry API and agent, spelled so that the build's relocation of
   * our own OpenTelemetry ({@code io.opentelemetry} to {@code dev.spillway.shaded...}) leaves it
   * alone: it rewrites string constants too.
   */
  private static final String OTEL = String.join(".", "io", "opentelemetry");
  static final String BRIDGE = OTEL + ".javaagent.bootstrap.Java8BytecodeBridge";
  private static final String API_SPAN = OTEL + ".api.trace.Span";
  /** How often the rare paths look again for an OpenTelemetry agent attached after us. */
  private static final long BRIDGE_RECHECK_NANOS = 10_000_000_000L;

  private static final AppSpans INSTANCE = new AppSpans(AppSpans::findBridge, otelAgentJarListed());

  /** The one reader: the OpenTelemetry agent and the loaders' APIs are JVM-wide facts. */
  public static AppSpans get() {
    return INSTANCE;
  }

  /** Looks for the bootstrap class that hands out the OpenTelemetry agent's current span. */
  interface BridgeFinder {
    Api find();
  }

  private final BridgeFinder bridgeFinder;
  private volatile Api bridge;
  /**
   * The OpenTelemetry agent's jar is on the class path (a {@code -javaagent} listed after us): its
   * bridge appears on the bootstrap path as soon as its {@code premain} runs; until then every
   * lookup looks for it, for a minute at most (a jar listed but never started as an agent).
   */
  private volatile boolean bridgeExpected;
  private final long bridgeExpectedUntil = System.nanoTime() + 60_000_000_000L;
  private volatile long bridgeCheckedAt = System.nanoTime();
  /** The last loader asked about and its API: most applications have one. */
  private volatile LoaderApi last;

  AppSpans(BridgeFinder bridgeFinder, boolean bridgeExpected) {
    this.bridgeFinder = bridgeFinder;
    this.bridge = bridgeFinder.find();
    this.bridgeExpected = bridgeExpected;
  }

  /**
   * The application's current span on this thread, or null if there is none (or no API).
   *
   * @param loader where the application's API would be, when the OpenTelemetry agent is absent
   */
  public Parent current(ClassLoader loader) {
    Api api = rareApi(loader);
    if (api == null) {
      return null;
    }
    try {
      Object context = context(api);
      if (context == null) {
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

  /**
   * The application's current span on this thread if it is valid and sampled, else null: the
   * check on every submit of a task, so it allocates only when there is such a span.
   */
  public Parent currentSampled(ClassLoader loader) {
    Api api = api(loader);
    if (api == null) {
      return null;
    }
    try {
      Object span = (Object) api.currentSpan.invokeExact();
      if (span == null || span == api.invalid) {
        return null; // no span current: the usual submit
      }
      Object context = api.getSpanContext.invoke(span);
      if (context == null || !Boolean.TRUE.equals(api.isValid.invoke(context))
          || !Boolean.TRUE.equals(api.isSampled.invoke(context))) {
        return null;
      }
      return new Parent((String) api.getTraceId.invoke(context), (String) api.getSpanId.invoke(context),
          (Byte) api.asByte.invoke(api.getTraceFlags.invoke(context)));
    } catch (Throwable e) {
      return null;
    }
  }

  /**
   * Adds an event to the application's current span, if one is current and recording; returns
   * whether it did. {@code attributes} are key, value pairs: a string key, then a
   * {@code String}, {@code Long} or {@code Double} value (a null value is left out).
   */
  public boolean addEvent(ClassLoader loader, String name, Object... attributes) {
    Api api = rareApi(loader);
    if (api == null || api.addEvent == null) {
      return false;
    }
    try {
      Object span = api.current.invoke(null);
      if (span == null || !Boolean.TRUE.equals(api.isRecording.invoke(span))) {
        return false;
      }
      Object builder = api.attributesBuilder.invoke(null);
      for (int i = 0; i + 1 < attributes.length; i += 2) {
        Object value = attributes[i + 1];
        if (value instanceof Double) {
          builder = api.putDouble.invoke(builder, attributes[i], value);
        } else if (value instanceof Long) {
          builder = api.putLong.invoke(builder, attributes[i], value);
        } else if (value != null) {
          builder = api.put.invoke(builder, attributes[i], value.toString());
        }
      }
      api.addEvent.invoke(span, name, api.build.invoke(builder));
      return true;
    } catch (Exception | LinkageError e) {
      AgentLog.debug("cannot add an event to the application's current span", e);
      return false;
    }
  }

  /** The current span's context if it is valid, else null. */
  private static Object context(Api api) throws ReflectiveOperationException {
    Object span = api.current.invoke(null);
    Object context = span == null ? null : api.getSpanContext.invoke(span);
    return context != null && Boolean.TRUE.equals(api.isValid.invoke(context)) ? context : null;
  }

  /** For a rare path (a slow acquire, a rejection): may look again for an agent attached since. */
  private Api rareApi(ClassLoader loader) {
    if (bridge == null && !bridgeExpected && System.nanoTime() - bridgeCheckedAt > BRIDGE_RECHECK_NANOS) {
      bridgeCheckedAt = System.nanoTime();
      bridge = bridgeFinder.find();
    }
    return api(loader);
  }

  private Api api(ClassLoader loader) {
    Api agent = bridge;
    if (agent == null && bridgeExpected) {
      agent = bridge = bridgeFinder.find();
      if (agent == null && System.nanoTime() - bridgeExpectedUntil > 0) {
        bridgeExpected = false;
      }
    }
    if (agent != null) {
      return agent;
    }
    if (loader == null) {
      return null;
    }
    LoaderApi cached = last;
    if (cached != null && cached.get() == loader) {
      return cached.api;
    }
    Api api = Api.ofApplication(loader);
    last = new LoaderApi(loader, api);
    return api;
  }

  /** Whether the OpenTelemetry agent's jar is on the system class path (read as a resource only). */
  private static boolean otelAgentJarListed() {
    try {
      return ClassLoader.getSystemResource(BRIDGE.replace('.', '/') + ".class") != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Api findBridge() {
    try {
      Class<?> bridge = Class.forName(BRIDGE, false, null);
      return Api.of(bridge.getMethod("currentSpan"));
    } catch (ClassNotFoundException e) {
      return null;
    } catch (Exception | LinkageError e) {
      AgentLog.debug("the OpenTelemetry agent's current span cannot be read", e);
      return null;
    }
  }

  private static final class LoaderApi extends WeakReference<ClassLoader> {
    final Api api;

    LoaderApi(ClassLoader loader, Api api) {
      super(loader);
      this.api = api;
    }
  }

  /** The methods of one OpenTelemetry API (the application's, or the agent's relocated one). */
  static final class Api {
    final Method current;
    /** {@link #current} as a handle typed {@code ()Object}, for {@code invokeExact}. */
    final MethodHandle currentSpan;
    /** {@code Span.getInvalid()}: what {@code current} returns when no span is current. */
    final Object invalid;
    final Method getSpanContext;
    final Method isRecording;
    final Method isValid;
    final Method isSampled;
    final Method getTraceId;
    final Method getSpanId;
    final Method getTraceFlags;
    final Method asByte;
    /** For events; null if this API has no attributes builder we know. */
    final Method addEvent;
    final Method attributesBuilder;
    final Method put;
    final Method putLong;
    final Method putDouble;
    final Method build;

    private Api(Method current) throws ReflectiveOperationException {
      this.current = current;
      this.currentSpan = MethodHandles.publicLookup().unreflect(current).asType(MethodType.methodType(Object.class));
      // Resolved on the public interfaces the API declares, never on the (often hidden) classes
      // that implement them.
      Class<?> span = current.getReturnType();
      this.getSpanContext = span.getMethod("getSpanContext");
      this.isRecording = span.getMethod("isRecording");
      this.invalid = invalidSpan(span);
      Class<?> spanContext = getSpanContext.getReturnType();
      this.isValid = spanContext.getMethod("isValid");
      this.isSampled = spanContext.getMethod("isSampled");
      this.getTraceId = spanContext.getMethod("getTraceId");
      this.getSpanId = spanContext.getMethod("getSpanId");
      this.getTraceFlags = spanContext.getMethod("getTraceFlags");
      this.asByte = getTraceFlags.getReturnType().getMethod("asByte");
      Method addEvent = null;
      Method attributesBuilder = null;
      Method put = null;
      Method putLong = null;
      Method putDouble = null;
      Method build = null;
      try {
        // ...api.trace.Span -> ...api.common.Attributes, relocated or not.
        String root = span.getName().substring(0, span.getName().length() - "trace.Span".length());
        Class<?> attributes = Class.forName(root + "common.Attributes", false, span.getClassLoader());
        addEvent = span.getMethod("addEvent", String.class, attributes);
        attributesBuilder = attributes.getMethod("builder");
        put = attributesBuilder.getReturnType().getMethod("put", String.class, String.class);
        putLong = attributesBuilder.getReturnType().getMethod("put", String.class, long.class);
        putDouble = attributesBuilder.getReturnType().getMethod("put", String.class, double.class);
        build = attributesBuilder.getReturnType().getMethod("build");
      } catch (Exception | LinkageError e) {
        addEvent = null;
      }
      this.addEvent = addEvent;
      this.attributesBuilder = attributesBuilder;
      this.put = put;
      this.putLong = putLong;
      this.putDouble = putDouble;
      this.build = build;
    }

    /** {@code Span.getInvalid()}, or null for an API without it (then only the validity check tells). */
    private static Object invalidSpan(Class<?> span) {
      try {
        return span.getMethod("getInvalid").invoke(null);
      } catch (Exception | LinkageError e) {
        return null;
      }
    }

    static Api of(Method current) throws ReflectiveOperationException {
      return new Api(current);
    }

    /** The API the loader sees, or null. */
    static Api ofApplication(ClassLoader loader) {
      try {
        return new Api(Class.forName(API_SPAN, false, loader).getMethod("current"));
      } catch (Exception | LinkageError e) {
        return null;
      }
    }
  }
}
