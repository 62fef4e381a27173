package dev.spillway.agent.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

  @Test
  void editDistanceCountsSingleCharacterEdits() {
    assertThat(Suggestions.editDistance("kitten", "sitting")).isEqualTo(3);
    assertThat(Suggestions.editDistance("", "abc")).isEqualTo(3);
    assertThat(Suggestions.editDistance("same", "same")).isZero();
  }

  @Test
  void suggestsTheClosestCandidateWithinThreeEdits() {
    List<String> keys = List.of("target", "match", "when", "mode");
    assertThat(Suggestions.closest("targt", keys)).isEqualTo("target");
    assertThat(Suggestions.closest("wen", keys)).isEqualTo("when");
    assertThat(Suggestions.closest("completely-different", keys)).isNull();
  }
}
