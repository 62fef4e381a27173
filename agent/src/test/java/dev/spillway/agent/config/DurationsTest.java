package dev.spillway.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

  @Test
  void parsesEveryUnit() {
    assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("100us")).isEqualTo(Duration.ofNanos(100_000));
    assertThat(Durations.parse("3h")).isEqualTo(Duration.ofHours(3));
    assertThat(Durations.parse("40ns")).isEqualTo(Duration.ofNanos(40));
  }

  @Test
  void parsesFractions() {
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("0.5ms")).isEqualTo(Duration.ofNanos(500_000));
  }

  @Test
  void toleratesSurroundingAndInnerSpace() {
    assertThat(Durations.parse(" 5 s ")).isEqualTo(Duration.ofSeconds(5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "ms", "-5s", ".s", "1.2.3s"})
  void rejectsTextWithoutANumber(String raw) {
    assertThatThrownBy(() -> Durations.parse(raw))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a duration");
  }

  @ParameterizedTest
  @ValueSource(strings = {"5", "5x", "5 sec", "5S"})
  void rejectsMissingOrUnknownUnit(String raw) {
    assertThatThrownBy(() -> Durations.parse(raw))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unit");
  }

  @Test
  void formatsWithTheShortestExactSpelling() {
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Durations.format(Duration.ofSeconds(5))).isEqualTo("5s");
    assertThat(Durations.format(Duration.ofMinutes(2))).isEqualTo("2m");
    assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
    assertThat(Durations.format(Duration.ofNanos(100_000))).isEqualTo("100us");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(Durations.format(Duration.ofNanos(500_000))).isEqualTo("500us");
    assertThat(Durations.format(Duration.ofNanos(7))).isEqualTo("7ns");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ns");
  }

  @ParameterizedTest
  @ValueSource(strings = {"250ms", "5s", "2m", "100us", "1.5s", "0.5ms", "0ns", "1ns", "1.000000001s",
      "59.999s", "61s", "36h", "2.5us"})
  void formatRoundTrips(String raw) {
    Duration parsed = Durations.parse(raw);

    assertThat(Durations.parse(Durations.format(parsed))).isEqualTo(parsed);
  }

  @Test
  void longDurationsAreFormattedWithoutExponent() {
    Duration longAndOdd = Duration.ofDays(200).plusMillis(1);

    assertThat(Durations.format(longAndOdd)).isEqualTo("17280000.001s");
    assertThat(Durations.format(Duration.ofSeconds(12_345_678, 900_000_000))).isEqualTo("12345678.9s");
  }
}
