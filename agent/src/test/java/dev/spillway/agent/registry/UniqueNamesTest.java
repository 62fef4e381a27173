package dev.spillway.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UniqueNamesTest {

  private final UniqueNames names = new UniqueNames(new Cap(3, "live things", "thing.name", "spillway.thing.max-tracked"));

  @Test
  void numbersTakenNamesFromTwo() {
    assertThat(names.claim("db")).isEqualTo("db");
    assertThat(names.claim("db")).isEqualTo("db#2");
    assertThat(names.claim("db")).isEqualTo("db#3");
  }

  @Test
  void aReleasedNameIsTakenOverByTheNextTargetWithIt() {
    names.claim("db");
    names.claim("db");
    names.release("db");
    assertThat(names.isFullOrTaken("db")).isFalse();
    assertThat(names.claim("db")).isEqualTo("db");
    assertThat(names.isFullOrTaken("db")).isTrue();
  }

  @Test
  void pastTheCapNoNameIsGivenUntilOneIsReleased() {
    names.claim("a");
    names.claim("b");
    names.claim("c");
    assertThat(names.isFullOrTaken("d")).isTrue();
    assertThat(names.claim("d")).isNull();
    assertThat(names.claim("e")).isNull();
    names.release("b");
    assertThat(names.claim("d")).isEqualTo("d");
  }
}
