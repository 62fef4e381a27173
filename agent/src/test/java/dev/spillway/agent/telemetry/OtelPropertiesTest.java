package dev.spillway.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtelPropertiesTest {

  private final List<String> warnings = new ArrayList<>();

  private static ConfigProperties shared(Map<String, String> properties) {
    return DefaultConfigProperties.createFromMap(properties);
  }

  private Map<String, String> customize(Map<String, String> shared, Map<String, String> overrides) {
    return OtelProperties.customize(shared(shared), overrides, warnings::add);
  }

  @Test
  void withNothingConfiguredLogsAreOffAndProtocolIsHttp() {
    Map<String, String> result = customize(Map.of(), Map.of());

    assertThat(result).containsOnly(
        Map.entry("otel.logs.exporter", "none"),
        Map.entry("otel.exporter.otlp.protocol", "http/protobuf"));
    assertThat(warnings).isEmpty();
  }

  @Test
  void logsExporterIsOffEvenWhenTheApplicationExportsLogs() {
    Map<String, String> result = customize(Map.of("otel.logs.exporter", "otlp"), Map.of());

    assertThat(result).containsEntry("otel.logs.exporter", "none");
  }

  @Test
  void spillwayOverrideTurnsLogsExporterBackOn() {
    Map<String, String> result = customize(Map.of(), Map.of("otel.logs.exporter", "console"));

    assertThat(result).containsEntry("otel.logs.exporter", "console");
  }

  @Test
  void sharedProtocolIsLeftAlone() {
    Map<String, String> result = customize(Map.of("otel.exporter.otlp.protocol", "grpc"), Map.of());

    assertThat(result).doesNotContainKey("otel.exporter.otlp.protocol");
  }

  @Test
  void spillwayProtocolOverrideWins() {
    Map<String, String> overridden = customize(Map.of("otel.exporter.otlp.protocol", "http/protobuf"),
        Map.of("otel.exporter.otlp.protocol", "grpc"));
    Map<String, String> alone = customize(Map.of(), Map.of("otel.exporter.otlp.protocol", "grpc"));

    assertThat(overridden).containsEntry("otel.exporter.otlp.protocol", "grpc");
    assertThat(alone).containsEntry("otel.exporter.otlp.protocol", "grpc");
  }

  @Test
  void unsupportedExporterIsDroppedWithOneWarning() {
    Map<String, String> result = customize(Map.of("otel.metrics.exporter", "zipkin"), Map.of());

    assertThat(result).containsEntry("otel.metrics.exporter", "none");
    assertThat(warnings).singleElement().satisfies(warning -> assertThat(warning)
        .startsWith("OTEL_METRICS_EXPORTER (otel.metrics.exporter)=zipkin: ")
        .contains("does not ship zipkin")
        .contains("Spillway uses none")
        .endsWith("Set spillway.otel.metrics.exporter to choose for Spillway alone"));
  }

  @Test
  void aBadSpillwayExporterNamesThatKeyAndSuggestsNoOther() {
    Map<String, String> result = customize(Map.of(), Map.of("otel.metrics.exporter", "zipkin"));

    assertThat(result).containsEntry("otel.metrics.exporter", "none");
    assertThat(warnings).containsExactly("spillway.otel.metrics.exporter=zipkin: Spillway does not ship"
        + " zipkin (it exports with otlp, prometheus, console, logging-otlp or none); Spillway uses none");
  }

  @Test
  void prometheusServesMetricsOnlyAndOnlyWhenChosen() {
    Map<String, String> metrics = customize(Map.of("otel.metrics.exporter", "prometheus,otlp"), Map.of());
    assertThat(metrics).doesNotContainKey("otel.metrics.exporter");
    Map<String, String> traces = customize(Map.of("otel.traces.exporter", "prometheus"), Map.of());
    assertThat(traces).containsEntry("otel.traces.exporter", "none");
    assertThat(warnings).singleElement().asString().contains("does not ship prometheus");
  }

  @Test
  void whenOkHttpSendsTheExporterDoesNotReuseItsDataUnlessSpillwaysOwnSettingSaysSo() {
    assertThat(customize(Map.of(), Map.of())).doesNotContainKey("otel.java.exporter.memory_mode");
    assertThat(OtelProperties.customize(shared(Map.of("otel.java.exporter.memory_mode", "reusable_data")),
        Map.of(), true, warnings::add)).containsEntry("otel.java.exporter.memory_mode", "immutable_data");
    assertThat(customize(Map.of("otel.exporter.otlp.protocol", "grpc"), Map.of()))
        .containsEntry("otel.java.exporter.memory_mode", "immutable_data");
    assertThat(OtelProperties.customize(shared(Map.of()), Map.of("otel.java.exporter.memory_mode", "reusable_data"),
        true, warnings::add)).containsEntry("otel.java.exporter.memory_mode", "reusable_data");
  }

  @Test
  void besideTheOpenTelemetryAgentPrometheusNeedsAPortOfItsOwn() {
    Map<String, String> shared = Map.of("otel.metrics.exporter", "prometheus,otlp");
    Map<String, String> dropped = OtelProperties.customize(shared(shared), Map.of(), true, warnings::add);
    assertThat(dropped).containsEntry("otel.metrics.exporter", "otlp");
    assertThat(warnings).containsExactly("OTEL_METRICS_EXPORTER (otel.metrics.exporter)=prometheus,otlp: the"
        + " OpenTelemetry Java agent in this JVM serves Prometheus on that port; Spillway uses otlp. Set"
        + " spillway.otel.exporter.prometheus.port to serve Spillway's metrics on a port of their own");

    warnings.clear();
    Map<String, String> own = OtelProperties.customize(shared(shared),
        Map.of("otel.exporter.prometheus.port", "9465"), true, warnings::add);
    assertThat(own).doesNotContainKey("otel.metrics.exporter");
    assertThat(warnings).isEmpty();
  }

  @Test
  void intervalsAndTimeoutsOfZeroOrLessAreReplacedByTheDefaultsWithOneLineEach() {
    Map<String, String> result = customize(Map.of("otel.metric.export.interval", "0",
        "otel.exporter.otlp.timeout", "-5", "otel.bsp.schedule.delay", "soon"),
        Map.of("otel.exporter.otlp.metrics.timeout", "-1"));

    assertThat(result).containsEntry("otel.metric.export.interval", "60000")
        .containsEntry("otel.exporter.otlp.timeout", "10000")
        .containsEntry("otel.exporter.otlp.metrics.timeout", "10000")
        .containsEntry("otel.bsp.schedule.delay", "5000");
    assertThat(warnings).containsExactly(
        "OTEL_METRIC_EXPORT_INTERVAL (otel.metric.export.interval)=0: must be more than 0; Spillway uses the"
            + " default, 60000 ms, and keeps exporting",
        "OTEL_EXPORTER_OTLP_TIMEOUT (otel.exporter.otlp.timeout)=-5: must be more than 0; Spillway uses the"
            + " default, 10000 ms, and keeps exporting",
        "spillway.otel.exporter.otlp.metrics.timeout=-1: must be more than 0; Spillway uses the default,"
            + " 10000 ms, and keeps exporting",
        "OTEL_BSP_SCHEDULE_DELAY (otel.bsp.schedule.delay)=soon: not a duration (write it in milliseconds, or"
            + " like 5s); Spillway uses the default, 5000 ms, and keeps exporting");
  }

  @Test
  void validIntervalsAndTimeoutsAreLeftAlone() {
    Map<String, String> result = customize(Map.of("otel.metric.export.interval", "200",
        "otel.exporter.otlp.timeout", "5s"), Map.of());

    assertThat(result).doesNotContainKeys("otel.metric.export.interval", "otel.exporter.otlp.timeout");
    assertThat(warnings).isEmpty();
  }

  @Test
  void unsupportedExporterInAListLeavesTheRest() {
    Map<String, String> result = customize(Map.of("otel.traces.exporter", "otlp,zipkin"), Map.of());

    assertThat(result).containsEntry("otel.traces.exporter", "otlp");
    assertThat(warnings).singleElement().satisfies(warning -> assertThat(warning)
        .startsWith("OTEL_TRACES_EXPORTER (otel.traces.exporter)=otlp,zipkin: ")
        .contains("does not ship zipkin")
        .contains("Spillway uses otlp"));
  }

  @Test
  void eachUnsupportedSignalGetsItsOwnWarning() {
    Map<String, String> result = customize(
        Map.of("otel.metrics.exporter", "otlp,zipkin", "otel.traces.exporter", "jaeger"), Map.of());

    assertThat(result).containsEntry("otel.metrics.exporter", "otlp")
        .containsEntry("otel.traces.exporter", "none");
    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(0)).startsWith("OTEL_METRICS_EXPORTER (otel.metrics.exporter)=otlp,zipkin: ");
    assertThat(warnings.get(1)).startsWith("OTEL_TRACES_EXPORTER (otel.traces.exporter)=jaeger: ");
  }

  @Test
  void supportedSharedExportersAreNotCopied() {
    Map<String, String> result = customize(
        Map.of("otel.metrics.exporter", "otlp,console", "otel.traces.exporter", "none"), Map.of());

    assertThat(result).doesNotContainKeys("otel.metrics.exporter", "otel.traces.exporter");
    assertThat(warnings).isEmpty();
  }

  @Test
  void spillwayExporterOverrideWinsAndSilencesTheSharedProblem() {
    Map<String, String> result = customize(Map.of("otel.metrics.exporter", "otlp,zipkin"),
        Map.of("otel.metrics.exporter", "otlp", "otel.service.name", "spillway-side"));

    assertThat(result).containsEntry("otel.metrics.exporter", "otlp")
        .containsEntry("otel.service.name", "spillway-side");
    assertThat(warnings).isEmpty();
  }

  @Test
  void unsupportedSpillwayOverrideIsAlsoDropped() {
    Map<String, String> result = customize(Map.of(), Map.of("otel.metrics.exporter", "zipkin"));

    assertThat(result).containsEntry("otel.metrics.exporter", "none");
    assertThat(warnings).hasSize(1);
  }

  @Test
  void httpEndpointGetsTheSignalPath() {
    assertThat(OtelProperties.endpoint(shared(Map.of()), "metrics"))
        .isEqualTo("http://localhost:4318/v1/metrics (http/protobuf)");
    assertThat(OtelProperties.endpoint(shared(Map.of("otel.exporter.otlp.endpoint", "http://c:4318/")),
        "traces")).isEqualTo("http://c:4318/v1/traces (http/protobuf)");
  }

  @Test
  void grpcEndpointHasNoPath() {
    assertThat(OtelProperties.endpoint(shared(Map.of("otel.exporter.otlp.protocol", "grpc")), "metrics"))
        .isEqualTo("http://localhost:4317 (grpc)");
  }

  @Test
  void signalSpecificEndpointIsUsedAsGiven() {
    ConfigProperties config = shared(Map.of(
        "otel.exporter.otlp.metrics.endpoint", "http://m:9999/custom",
        "otel.exporter.otlp.metrics.protocol", "grpc"));

    assertThat(OtelProperties.endpoint(config, "metrics")).isEqualTo("http://m:9999/custom (grpc)");
  }
}
