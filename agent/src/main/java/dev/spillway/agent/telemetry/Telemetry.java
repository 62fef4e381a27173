package dev.spillway.agent.telemetry;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.Version;
import dev.spillway.agent.config.SpillwayConfig;
import dev.spillway.agent.util.Printable;
import dev.spillway.bootstrap.AgentThreads;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.internal.MeterConfig;
import io.opentelemetry.sdk.metrics.internal.SdkMeterProviderUtil;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Spillway's own OpenTelemetry SDK, configured from the standard {@code OTEL_*} settings.
 *
 * <p>It is never registered as {@code GlobalOpenTelemetry}: the application's OpenTelemetry (or
 * another agent's) stays exactly as it was. A configuration the SDK refuses leaves Spillway
 * running without export, with one line saying why.
 */
public final class Telemetry {

  /** Every instrumentation scope of Spillway starts with this. */
  public static final String SCOPE_PREFIX = "dev.spillway.";

  private final OpenTelemetry openTelemetry;
  private final OpenTelemetrySdk sdk;
  private final String description;
  /** Set on the telemetry used before the SDK is up: histograms it keeps for the SDK. */
  private final EarlyHistograms early;

  private Telemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk, String description,
      EarlyHistograms early) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
    this.description = description;
    this.early = early;
  }

  private Telemetry(OpenTelemetry openTelemetry, OpenTelemetrySdk sdk, String description) {
    this(openTelemetry, sdk, description, null);
  }

  /**
   * What the families record into until the SDK is up: histogram measurements are kept (bounded)
   * and handed to the SDK by {@link #start}; everything else is read at collection time anyway.
   */
  public static Telemetry early() {
    return new Telemetry(OpenTelemetry.noop(), null, "starting", new EarlyHistograms());
  }

  /** Telemetry that records nothing, for tests and for when the SDK could not be built. */
  public static Telemetry noop() {
    return new Telemetry(OpenTelemetry.noop(), null, "not exporting");
  }

  /** Wraps an SDK built elsewhere (tests). */
  public static Telemetry of(OpenTelemetrySdk sdk) {
    return new Telemetry(sdk, sdk, "exporting to a test SDK");
  }

  /** Starts the SDK and hands it what {@code before} kept ({@link #early}). */
  public static Telemetry start(SpillwayConfig config, Telemetry before) {
    Telemetry started = start(config);
    if (before.early != null) {
      MeterProvider target = started.sdk == null ? MeterProvider.noop() : started.sdk.getSdkMeterProvider();
      before.early.replayInto(target, Version.VERSION);
    }
    return started;
  }

  private static Telemetry start(SpillwayConfig config) {
    StringBuilder exporting = new StringBuilder();
    boolean otelAgent = HttpSenders.otelAgentPresent();
    try {
      AutoConfiguredOpenTelemetrySdk auto = AutoConfiguredOpenTelemetrySdk.builder()
          .setComponentLoader(new HttpSenders(
              new ShippedProviders(ComponentLoader.forClassLoader(Telemetry.class.getClassLoader())),
              otelAgent))
          .disableShutdownHook()
          // Named as the OpenTelemetry Java agent names a Spring Boot service that sets no name.
          .addResourceCustomizer((resource, props) -> SpringBootServiceName.ofThisJvm().apply(resource))
          .addPropertiesCustomizer(shared ->
              OtelProperties.customize(shared, config.otelOverrides(), otelAgent, AgentLog::warn))
          // The SDK's own self-metrics (exporter counts, span processor queue) are not Spillway's
          // and would be exported under relocated scope names: only Spillway's scopes export.
          .addMeterProviderCustomizer((builder, props) -> SdkMeterProviderUtil.addMeterConfiguratorCondition(
              builder, scope -> !isSpillwayScope(scope.getName()), MeterConfig.disabled()))
          .addMetricReaderCustomizer((reader, props) -> {
            if (reader.getClass().getSimpleName().startsWith("Prometheus")) {
              describePrometheus(exporting, props);
            }
            return reader;
          })
          .addMetricExporterCustomizer((exporter, props) -> {
            describeExport(exporting, "metrics", exporter, props);
            return isOtlp(exporter)
                ? ReportingExporters.metrics(exporter, OtelProperties.endpoint(props, "metrics"))
                : exporter;
          })
          .addSpanExporterCustomizer((exporter, props) -> {
            return isOtlp(exporter)
                ? ReportingExporters.spans(exporter, OtelProperties.endpoint(props, "traces"))
                : exporter;
          })
          .build();
      OpenTelemetrySdk sdk = auto.getOpenTelemetrySdk();
      return new Telemetry(sdk, sdk, exporting.length() == 0 ? "not exporting metrics" : exporting.toString());
    } catch (Throwable t) {
      AgentLog.warn("OpenTelemetry configuration refused, Spillway runs without export: "
          + Printable.clip(String.valueOf(t.getMessage()), 300));
      return noop();
    }
  }

  /** Spillway's own meters: {@code dev.spillway.executor}, {@code dev.spillway.queue}, ... */
  static boolean isSpillwayScope(String name) {
    return name.startsWith(SCOPE_PREFIX) && name.indexOf('.', SCOPE_PREFIX.length()) < 0;
  }

  private static boolean isOtlp(Object exporter) {
    return exporter.getClass().getSimpleName().startsWith("Otlp");
  }

  private static void describeExport(StringBuilder into, String signal, MetricExporter exporter,
      ConfigProperties props) {
    if (into.length() > 0) {
      into.append(", ");
    }
    Duration interval = props.getDuration("otel.metric.export.interval", Duration.ofMinutes(1));
    into.append("exporting ").append(signal).append(" every ").append(interval.toMillis()).append(" ms via ");
    into.append(isOtlp(exporter) ? "otlp to " + OtelProperties.endpoint(props, signal)
        : exporter.getClass().getSimpleName());
  }

  private static void describePrometheus(StringBuilder into, ConfigProperties props) {
    if (into.length() > 0) {
      into.append(", ");
    }
    into.append("serving metrics for Prometheus on http://")
        .append(props.getString("otel.exporter.prometheus.host", "0.0.0.0")).append(':')
        .append(props.getInt(OtelProperties.PROMETHEUS_PORT, 9464)).append("/metrics");
  }

  public Meter meter(String family) {
    if (early != null) {
      return early.meter(SCOPE_PREFIX + family);
    }
    return openTelemetry.meterBuilder(SCOPE_PREFIX + family).setInstrumentationVersion(Version.VERSION).build();
  }

  public Tracer tracer(String family) {
    return openTelemetry.getTracer(SCOPE_PREFIX + family, Version.VERSION);
  }

  /** For the start-up line: where the data goes. */
  public String description() {
    return description;
  }

  /**
   * Flushes what is pending and stops export, waiting at most {@code timeout}. The SDK's own
   * shutdown does not keep to a time limit (the periodic reader's last export blocks through the
   * exporter's retries, about 8 s when the collector is down), and a JVM that exits must not wait
   * for our last export: it runs on an agent thread, which the JVM drops when it is late.
   */
  public void shutdown(Duration timeout) {
    if (sdk == null) {
      return;
    }
    Thread flush = AgentThreads.newThread(() -> sdk.shutdown().join(timeout.toMillis(), TimeUnit.MILLISECONDS),
        "spillway-flush");
    flush.start();
    try {
      flush.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** After {@link #shutdown} at a detach: ends the exporters' HTTP client threads that would outlive it. */
  public static void releaseSenderThreads() {
    OkHttpThreads.stop();
  }
}
