package dev.spillway.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.agent.config.Settings.TimingMode;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** Always through {@code load(String, Properties, Map)}: never this JVM's properties or environment. */
class SpillwayConfigTest {

  private static Properties properties(String... keyValues) {
    Properties properties = new Properties();
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return properties;
  }

  @Test
  void nothingGivenMeansDefaultsAndNoProblems() {
    SpillwayConfig config = SpillwayConfig.load("", new Properties(), Map.of());

    assertThat(config.get(Settings.EXECUTOR_MAX_TRACKED)).isEqualTo(200);
    assertThat(config.get(Settings.TIMING)).isEqualTo(TimingMode.ADAPTIVE);
    assertThat(config.problems()).isEmpty();
    assertThat(config.otelOverrides()).isEmpty();
  }

  @Test
  void environmentVariableMapsToDashedKey() {
    SpillwayConfig config = SpillwayConfig.load(null, new Properties(),
        Map.of("SPILLWAY_EXECUTOR_MAX_TRACKED", "7",
            "SPILLWAY_TIMING_SAMPLES_PER_SECOND", "500",
            "OTHER_MAX_TRACKED", "9"));

    assertThat(config.get(Settings.EXECUTOR_MAX_TRACKED)).isEqualTo(7);
    assertThat(config.get(Settings.TIMING_RATE)).isEqualTo(500);
    assertThat(config.problems()).isEmpty();
  }

  @Test
  void systemPropertyWinsOverEnvironment() {
    SpillwayConfig config = SpillwayConfig.load("",
        properties("spillway.executor.max-tracked", "8"),
        Map.of("SPILLWAY_EXECUTOR_MAX_TRACKED", "7"));

    assertThat(config.get(Settings.EXECUTOR_MAX_TRACKED)).isEqualTo(8);
  }

  @Test
  void agentArgumentWinsOverSystemPropertyAndEnvironment() {
    SpillwayConfig config = SpillwayConfig.load("executor.max-tracked=9",
        properties("spillway.executor.max-tracked", "8"),
        Map.of("SPILLWAY_EXECUTOR_MAX_TRACKED", "7"));

    assertThat(config.get(Settings.EXECUTOR_MAX_TRACKED)).isEqualTo(9);
    assertThat(config.problems()).isEmpty();
  }

  @Test
  void agentArgumentsWorkWithAndWithoutPrefix() {
    SpillwayConfig config = SpillwayConfig.load(
        "executor.max-tracked=12, spillway.timing=ALL ,log.level=debug",
        new Properties(), Map.of());

    assertThat(config.get(Settings.EXECUTOR_MAX_TRACKED)).isEqualTo(12);
    assertThat(config.get(Settings.TIMING)).isEqualTo(TimingMode.ALL);
    assertThat(config.get(Settings.LOG_LEVEL)).isEqualTo(Settings.LogLevel.DEBUG);
    assertThat(config.problems()).isEmpty();
  }

  @Test
  void malformedValueIsOneProblemNamingKeyValueOriginAndDefault() {
    SpillwayConfig config = SpillwayConfig.load("executor.max-tracked=lots", new Properties(), Map.of());

    assertThat(config.get(Settings.EXECUTOR_MAX_TRACKED)).isEqualTo(200);
    assertThat(config.problems()).containsExactly(
        "spillway.executor.max-tracked=lots (agent argument): not a whole number; using 200");
  }

  @Test
  void theAgentsOwnPropertiesAreNotUnknownSettings() {
    // Set by the first start; a second attach reads them back among the system properties.
    SpillwayConfig config = SpillwayConfig.load("", properties("spillway.attach.result", "started 0.1.0: ...",
        "spillway.agent.version", "0.1.0"), Map.of());

    assertThat(config.problems()).isEmpty();
    assertThat(Settings.AGENT_PROPERTIES).contains(dev.spillway.agent.Agent.ATTACH_RESULT,
        dev.spillway.agent.Agent.VERSION_PROPERTY);
  }

  @Test
  void refusedValuesNameKeyValueOriginReasonAndDefaultInOneLine() {
    SpillwayConfig config = SpillwayConfig.load("queue.details=**;;[,pool.max-tracked=12345678901234567890",
        new Properties(), Map.of());

    assertThat(config.get(Settings.QUEUE_DETAILS)).isEmpty();
    assertThat(config.problems()).containsExactlyInAnyOrder(
        "spillway.queue.details=**;;[ (agent argument): entry 2 is empty (globs are separated by single ';');"
            + " using nothing",
        "spillway.pool.max-tracked=12345678901234567890 (agent argument): out of range: must be between 1 and"
            + " 100000; using 200");
  }

  @Test
  void malformedValueNamesTheSourceItCameFrom() {
    SpillwayConfig fromEnvironment = SpillwayConfig.load("", new Properties(),
        Map.of("SPILLWAY_TIMING", "sometimes"));
    SpillwayConfig fromProperty = SpillwayConfig.load("",
        properties("spillway.executor.max-tracked", "0"), Map.of());

    assertThat(fromEnvironment.get(Settings.TIMING)).isEqualTo(TimingMode.ADAPTIVE);
    assertThat(fromEnvironment.problems()).containsExactly(
        "spillway.timing=sometimes (environment variable SPILLWAY_TIMING):"
            + " expected one of adaptive | all | off; using adaptive");
    assertThat(fromProperty.get(Settings.EXECUTOR_MAX_TRACKED)).isEqualTo(200);
    assertThat(fromProperty.problems()).containsExactly(
        "spillway.executor.max-tracked=0 (system property): must be between 1 and 100000; using 200");
  }

  @Test
  void aValidHigherPrecedenceValueHidesAMalformedLowerOne() {
    SpillwayConfig config = SpillwayConfig.load("executor.max-tracked=5",
        new Properties(), Map.of("SPILLWAY_EXECUTOR_MAX_TRACKED", "many"));

    assertThat(config.get(Settings.EXECUTOR_MAX_TRACKED)).isEqualTo(5);
    assertThat(config.problems()).isEmpty();
  }

  @Test
  void unknownKeyIsReportedWithSuggestion() {
    SpillwayConfig config = SpillwayConfig.load("",
        properties("spillway.executor.max-trackd", "5"), Map.of());

    assertThat(config.get(Settings.EXECUTOR_MAX_TRACKED)).isEqualTo(200);
    assertThat(config.problems()).containsExactly("unknown setting spillway.executor.max-trackd=5"
        + " (system property); did you mean spillway.executor.max-tracked?; ignored");
  }

  @Test
  void unknownKeyFarFromAnySettingGetsNoSuggestion() {
    SpillwayConfig config = SpillwayConfig.load("", new Properties(),
        Map.of("SPILLWAY_COLOUR_SCHEME", "dark"));

    assertThat(config.problems()).containsExactly(
        "unknown setting spillway.colour.scheme=dark (environment variable SPILLWAY_COLOUR_SCHEME); ignored");
  }

  @Test
  void spillwayOtelKeysBecomeOtelOverrides() {
    SpillwayConfig config = SpillwayConfig.load("otel.metric.export.interval=5s",
        properties("spillway.otel.exporter.otlp.endpoint", "http://collector:4318"),
        Map.of("SPILLWAY_OTEL_SERVICE_NAME", "orders"));

    assertThat(config.otelOverrides()).containsOnly(
        Map.entry("otel.metric.export.interval", "5s"),
        Map.entry("otel.exporter.otlp.endpoint", "http://collector:4318"),
        Map.entry("otel.service.name", "orders"));
    assertThat(config.problems()).isEmpty();
  }

  @Test
  void otelOverridesFollowThePrecedenceToo() {
    SpillwayConfig config = SpillwayConfig.load("otel.service.name=from-args",
        properties("spillway.otel.service.name", "from-property"), Map.of());

    assertThat(config.otelOverrides()).containsOnly(Map.entry("otel.service.name", "from-args"));
  }

  @Test
  void agentArgumentWithoutKeyValueSyntaxIsReportedAndSkipped() {
    SpillwayConfig config = SpillwayConfig.load("verbose,=3,,executor.max-tracked=4",
        new Properties(), Map.of());

    assertThat(config.get(Settings.EXECUTOR_MAX_TRACKED)).isEqualTo(4);
    assertThat(config.problems()).containsExactly(
        "agent argument 'verbose' is not key=value; ignored",
        "agent argument '=3' is not key=value; ignored");
  }

  @Test
  void aPartWithoutEqualsContinuesTheValueBeforeIt() {
    SpillwayConfig config = SpillwayConfig.load(
        "otel.metrics.exporter=otlp,console,executor.max-tracked=4", new Properties(), Map.of());

    assertThat(config.otelOverrides()).containsEntry("otel.metrics.exporter", "otlp,console");
    assertThat(config.get(Settings.EXECUTOR_MAX_TRACKED)).isEqualTo(4);
    assertThat(config.problems()).isEmpty();
  }

  @Test
  void propertiesWithoutSpillwayPrefixAreNotRead() {
    SpillwayConfig config = SpillwayConfig.load("",
        properties("executor.max-tracked", "3", "otel.service.name", "x"), Map.of());

    assertThat(config.get(Settings.EXECUTOR_MAX_TRACKED)).isEqualTo(200);
    assertThat(config.problems()).isEmpty();
    assertThat(config.otelOverrides()).isEmpty();
  }
}
