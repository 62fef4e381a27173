package dev.spillway.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.agent.config.Settings.TimingMode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SettingTest {

  private enum Colour { DEEP_RED, BLUE }

  @Test
  void choiceIgnoresCaseAndSurroundingSpace() {
    Setting<TimingMode> timing = Setting.choice("spillway.t", TimingMode.ADAPTIVE, "");

    assertThat(timing.parse("ALL")).isEqualTo(TimingMode.ALL);
    assertThat(timing.parse(" Off ")).isEqualTo(TimingMode.OFF);
    assertThat(timing.parse("adaptive")).isEqualTo(TimingMode.ADAPTIVE);
  }

  @Test
  void choiceErrorNamesTheAllowedValues() {
    Setting<TimingMode> timing = Setting.choice("spillway.t", TimingMode.ADAPTIVE, "");

    assertThatThrownBy(() -> timing.parse("sometimes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("expected one of adaptive | all | off");
  }

  @Test
  void choiceWritesUnderscoresAsDashes() {
    Setting<Colour> colour = Setting.choice("spillway.c", Colour.BLUE, "");

    assertThat(colour.type()).isEqualTo("deep-red | blue");
    assertThat(colour.parse("Deep-Red")).isEqualTo(Colour.DEEP_RED);
    assertThatThrownBy(() -> colour.parse("deep_red")).hasMessage("expected one of deep-red | blue");
  }

  @Test
  void integerAcceptsBothBoundsAndRejectsBeyond() {
    Setting<Integer> count = Setting.integer("spillway.n", 5, 1, 10, "");

    assertThat(count.parse("1")).isEqualTo(1);
    assertThat(count.parse(" 10 ")).isEqualTo(10);
    assertThatThrownBy(() -> count.parse("0")).hasMessage("must be between 1 and 10");
    assertThatThrownBy(() -> count.parse("11")).hasMessage("must be between 1 and 10");
    assertThatThrownBy(() -> count.parse("2.5")).hasMessage("not a whole number");
    assertThatThrownBy(() -> count.parse("99999999999")).hasMessage("out of range: must be between 1 and 10");
  }

  @Test
  void aWholeNumberTooLargeForItsTypeIsOutOfRangeNotMalformed() {
    Setting<Integer> count = Setting.integer("spillway.n", 5, 1, 10, "");

    assertThatThrownBy(() -> count.parse("12345678901234567890"))
        .hasMessage("out of range: must be between 1 and 10");
    assertThatThrownBy(() -> count.parse("-12345678901234567890"))
        .hasMessage("out of range: must be between 1 and 10");
    assertThatThrownBy(() -> count.parse("12.5")).hasMessage("not a whole number");
  }

  @Test
  void globListsRefuseEmptyEntriesAndBracketsButTakeATrailingSemicolon() {
    Setting<String> globs = Setting.globs("spillway.g", "");

    assertThatThrownBy(() -> globs.parse("**;;[")).hasMessage("entry 2 is empty (globs are separated by single ';')");
    assertThatThrownBy(() -> globs.parse("a*;[ab]*")).hasMessage("'[ab]*' holds '[': only * and ? are wildcards here");
    assertThatThrownBy(() -> globs.parse("{a,b}")).hasMessage("'{a,b}' holds '{': only * and ? are wildcards here");
    assertThat(globs.parse(" com.acme.*;orders? ;")).isEqualTo("com.acme.*;orders? ;");
    assertThat(globs.parse("")).isEqualTo("");
  }

  @Test
  void flagAcceptsOnlyTrueOrFalse() {
    Setting<Boolean> flag = Setting.flag("spillway.f", true, "");

    assertThat(flag.parse("FALSE")).isFalse();
    assertThat(flag.parse(" true")).isTrue();
    assertThatThrownBy(() -> flag.parse("yes")).hasMessage("expected true or false");
  }

  @Test
  void durationSettingParsesLikeDurations() {
    Setting<Duration> timeout = Setting.duration("spillway.d", Duration.ofSeconds(1), "");

    assertThat(timeout.parse("250ms")).isEqualTo(Duration.ofMillis(250));
    assertThat(timeout.type()).isEqualTo("duration");
  }

  @Test
  void environmentNameIsUpperCaseWithUnderscores() {
    assertThat(Settings.EXECUTOR_MAX_TRACKED.envName()).isEqualTo("SPILLWAY_EXECUTOR_MAX_TRACKED");
    assertThat(Settings.TIMING_RATE.envName())
        .isEqualTo("SPILLWAY_TIMING_SAMPLES_PER_SECOND");
  }

  @Test
  void everyDeclaredSettingHasAUniqueKeyAndEnvironmentName() {
    assertThat(Settings.ALL).extracting(Setting::key).doesNotHaveDuplicates()
        .allSatisfy(key -> assertThat(key).startsWith(Settings.PREFIX));
    assertThat(Settings.ALL).extracting(Setting::envName).doesNotHaveDuplicates();
  }
}
