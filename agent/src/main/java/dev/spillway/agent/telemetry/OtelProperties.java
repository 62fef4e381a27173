package dev.spillway.agent.telemetry;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
 * exporters Spillway does not ship (a Prometheus endpoint meant for another agent, say) are
 * dropped with a warning instead of failing the whole SDK.
 */
final class OtelProperties {

  static final String METRICS_EXPORTER = "otel.metrics.exporter";
  static final String TRACES_EXPORTER = "otel.traces.exporter";
  static final String LOGS_EXPORTER = "otel.logs.exporter";
  static final String PROTOCOL = "otel.exporter.otlp.protocol";

  private static final Set<String> SUPPORTED_EXPORTERS =
      Set.of("otlp", "console", "logging", "logging-otlp", "none");

  private OtelProperties() {}

  /** The properties that replace the shared ones for Spillway's SDK. */
  static Map<String, String> customize(ConfigProperties shared, Map<String, String> overrides,
      Consumer<String> warn) {
    Map<String, String> result = new LinkedHashMap<>(overrides);
    result.putIfAbsent(LOGS_EXPORTER, "none");
    // The SDK's own default is grpc; the specification's (and the Java agent's) is http/protobuf.
    if (shared.getString(PROTOCOL) == null) {
      result.putIfAbsent(PROTOCOL, "http/protobuf");
    }
    for (String key : List.of(METRICS_EXPORTER, TRACES_EXPORTER)) {
      String configured = result.containsKey(key) ? result.get(key) : shared.getString(key, "otlp");
      String usable = keepSupported(key, configured, warn);
      if (!usable.equals(configured)) {
        result.put(key, usable);
      }
    }
    return result;
  }

  private static String keepSupported(String key, String configured, Consumer<String> warn) {
    List<String> kept = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (String name : configured.split(",")) {
      String trimmed = name.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      (SUPPORTED_EXPORTERS.contains(trimmed) ? kept : dropped).add(trimmed);
    }
    if (!dropped.isEmpty()) {
      String used = kept.isEmpty() ? "none" : String.join(",", kept);
      warn.accept(key + "=" + configured + ": Spillway does not ship " + String.join(", ", dropped)
          + " (it exports with otlp, console, logging-otlp or none); Spillway uses " + used
          + ". Set spillway." + key.substring("otel.".length()) + " to choose for Spillway alone");
      return used;
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
