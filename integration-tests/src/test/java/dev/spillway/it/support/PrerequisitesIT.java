package dev.spillway.it.support;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** A missing prerequisite skips a test on a developer's machine and fails it in CI (issue 13). */
class PrerequisitesIT {

  @Test
  void aMissingToolFailsInCi() {
    for (String ci : new String[] {"true", "1", "yes"}) {
      assertThatThrownBy(() -> Prerequisites.check(false, "tmux is not installed", ci))
          .as("CI=%s", ci).isInstanceOf(AssertionError.class)
          .hasMessageStartingWith("tmux is not installed: CI=" + ci);
    }
  }

  @Test
  void aMissingToolSkipsOutsideCi() {
    for (String ci : new String[] {null, "", "false", "FALSE", "0"}) {
      assertThatThrownBy(() -> Prerequisites.check(false, "tmux is not installed", ci))
          .as("CI=%s", ci).isInstanceOf(TestAbortedException.class)
          .hasMessageContaining("tmux is not installed: skipped");
    }
  }

  @Test
  void aPresentToolPassesEverywhere() {
    assertThatCode(() -> Prerequisites.check(true, "tmux", "true")).doesNotThrowAnyException();
    assertThatCode(() -> Prerequisites.check(true, "tmux", null)).doesNotThrowAnyException();
  }
}
