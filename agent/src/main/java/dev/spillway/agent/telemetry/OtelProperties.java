package dev.spillway.agent.telemetry;

import dev.spillway.agent.config.Settings;
import dev.spillway.agent.util.Printable;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Spillway's view of the shared {@code OTEL_*} settings.
 *
 * <p>Spillway reads the same settings as the application so that its data joins the same service
 * in the same backend. It changes four things: {@code spillway.otel.<key>} overrides
 * {@code otel.<key>}; the OTLP protocol defaults to {@code http/protobuf}, as the specification
 * says (the SDK alone would pick gRPC); Spillway emits no logs, so the log exporter is off; and
 * exporters Spillway does not ship are dropped with a warning instead of failing the whole SDK.
 * The Prometheus exporter (metrics only) is shipped and opt-in; beside the OpenTelemetry Java agent,
 * which would serve the same port, Spillway takes it only with a port of its own.
 */
final class OtelProperties {

  static final String METRICS_EXPORTER = "otel.metrics.exporter";
  static final String TRACES_EXPORTER = "otel.traces.exporter";
  static final String LOGS_EXPORTER = "otel.logs.exporter";
  static final String PROTOCOL = "otel.exporter.otlp.protocol";

  static final String MEMORY_MODE = "otel.java.exporter.memory_mode";
  static final String PROMETHEUS = "prometheus";
  static final String PROMETHEUS_PORT = "otel.exporter.prometheus.port";

  private static final Set<String> SUPPORTED_EXPORTERS =
      Set.of("otlp", "console", "logging", "logging-otlp", "none");
  private static final Set<String> SUPPORTED_METRICS_EXPORTERS =
      Set.of("otlp", PROMETHEUS, "console", "logging", "logging-otlp", "none");

  private OtelProperties() {}

  /** The properties that replace the shared ones for Spillway's SDK. */
  static Map<String, String> customize(ConfigProperties shared, Map<String, String> overrides,
      Consumer<String> warn) {
    return customize(shared, overrides, false, warn);
  }

  /**
   * The same; {@code otelAgent}: the OpenTelemetry Java agent runs in this JVM, and reads the same
   * shared settings.
   */
  static Map<String, String> customize(ConfigProperties shared, Map<String, String> overrides,
      boolean otelAgent, Consumer<String> warn) {
    Map<String, String> result = new LinkedHashMap<>(overrides);
    result.putIfAbsent(LOGS_EXPORTER, "none");
    // The SDK's own default is grpc; the specification's (and the Java agent's) is http/protobuf.
    if (shared.getString(PROTOCOL) == null) {
      result.putIfAbsent(PROTOCOL, "http/protobuf");
    }
    for (String key : List.of(METRICS_EXPORTER, TRACES_EXPORTER)) {
      boolean own = result.containsKey(key);
      String configured = own ? result.get(key) : shared.getString(key, "otlp");
      String usable = keepSupported(key, configured, own, warn);
      if (key.equals(METRICS_EXPORTER) && otelAgent && !overrides.containsKey(PROMETHEUS_PORT)
          && List.of(usable.split(",")).contains(PROMETHEUS)) {
        usable = without(usable, PROMETHEUS);
        warn.accept(name(key, own) + "=" + Printable.clip(configured, 100) + ": the OpenTelemetry Java agent in"
            + " this JVM serves Prometheus on that port; Spillway uses " + usable + ". Set "
            + name(PROMETHEUS_PORT, true) + " to serve Spillway's metrics on a port of their own");
      }
      if (!usable.equals(configured)) {
        result.put(key, usable);
      }
    }
    String protocol = result.containsKey(PROTOCOL) ? result.get(PROTOCOL) : shared.getString(PROTOCOL);
    if ((otelAgent || "grpc".equals(protocol)) && !overrides.containsKey(MEMORY_MODE)) {
      // OkHttp sends (HttpSenders): it writes the request body later, on its own thread, while the
      // next collection may already reuse the points that body is made of (reusable_data, the
      // default): a corrupt request (ArrayIndexOutOfBounds, "unexpected end of stream").
      result.put(MEMORY_MODE, "immutable_data");
    }
    for (Map.Entry<String, Long> positive : POSITIVE_MILLIS.entrySet()) {
      String key = positive.getKey();
      boolean own = overrides.containsKey(key);
      String raw = own ? overrides.get(key) : shared.getString(key);
      String problem = raw == null ? null : positiveDurationProblem(key, raw);
      if (problem != null) {
        long fallback = positive.getValue();
        warn.accept(name(key, own) + "=" + Printable.clip(raw, 100) + ": " + problem + "; Spillway uses the default, " + fallback
            + " ms, and keeps exporting");
        result.put(key, Long.toString(fallback));
      }
    }
    return result;
  }

  /**
   * Durations the SDK would refuse as a whole (then nothing is exported) or accept and then fail
   * with (a negative timeout fails every export), with their defaults in milliseconds.
   */
  private static final Map<String, Long> POSITIVE_MILLIS = orderedMap(
      "otel.metric.export.interval", 60_000L,
      "otel.exporter.otlp.timeout", 10_000L,
      "otel.exporter.otlp.metrics.timeout", 10_000L,
      "otel.exporter.otlp.traces.timeout", 10_000L,
      "otel.bsp.schedule.delay", 5_000L,
      "otel.bsp.export.timeout", 30_000L);

  private static Map<String, Long> orderedMap(Object... keysAndValues) {
    Map<String, Long> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], (Long) keysAndValues[i + 1]);
    }
    return map;
  }

  /** Why the SDK cannot use {@code raw} as a duration of more than zero, or null when it can. */
  private static String positiveDurationProblem(String key, String raw) {
    Duration value;
    try {
      value = DefaultConfigProperties.createFromMap(Map.of(key, raw)).getDuration(key);
    } catch (RuntimeException e) {
      return "not a duration (write it in milliseconds, or like 5s)";
    }
    return value == null || value.isNegative() || value.isZero() ? "must be more than 0" : null;
  }

  /** How the user wrote the key: the Spillway override, or the shared setting in both spellings. */
  private static String name(String key, boolean own) {
    if (own) {
      return Settings.OTEL_PREFIX + key.substring("otel.".length());
    }
    return key.toUpperCase(Locale.ROOT).replace('.', '_') + " (" + key + ")";
  }

  private static String keepSupported(String key, String configured, boolean own, Consumer<String> warn) {
    List<String> kept = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (String name : configured.split(",")) {
      String trimmed = name.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      boolean metrics = key.equals(METRICS_EXPORTER);
      ((metrics ? SUPPORTED_METRICS_EXPORTERS : SUPPORTED_EXPORTERS).contains(trimmed) ? kept : dropped).add(trimmed);
    }
    if (!dropped.isEmpty()) {
      String used = kept.isEmpty() ? "none" : String.join(",", kept);
      warn.accept(name(key, own) + "=" + Printable.clip(configured, 100) + ": Spillway does not ship "
          + Printable.clip(String.join(", ", dropped), 100)
          + (key.equals(METRICS_EXPORTER) ? " (it exports with otlp, prometheus, console, logging-otlp or none)"
              : " (it exports with otlp, console, logging-otlp or none)")
          + "; Spillway uses " + used
          + (own ? "" : ". Set " + name(key, true) + " to choose for Spillway alone"));
      return used;
    }
    return kept.isEmpty() ? "none" : String.join(",", kept);
  }

  private static String without(String exporters, String dropped) {
    List<String> kept = new ArrayList<>();
    for (String name : exporters.split(",")) {
      if (!name.equals(dropped)) {
        kept.add(name);
      }
    }
    return kept.isEmpty() ? "none" : String.join(",", kept);
  }

  /** Where OTLP data of one signal ("metrics" or "traces") goes, for messages. */
  static String endpoint(ConfigProperties config, String signal) {
    String protocol = config.getString("otel.exporter.otlp." + signal + ".protocol",
        config.getString("otel.exporter.otlp.protocol", "http/protobuf"));
    String specific = config.getString("otel.exporter.otlp." + signal + ".endpoint");
    if (specific != null) {
      return specific + " (" + protocol + ")";
    }
    boolean grpc = "grpc".equals(protocol);
    String base = config.getString("otel.exporter.otlp.endpoint",
        grpc ? "http://localhost:4317" : "http://localhost:4318");
    if (!grpc) {
      base = (base.endsWith("/") ? base : base + "/") + "v1/" + signal;
    }
    return base + " (" + protocol + ")";
  }
}
