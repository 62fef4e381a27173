package dev.spillway.agent.util;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class GlobTest {

  @Test
  void starMatchesAnyRunIncludingNone() {
    Glob glob = Glob.of("http-*-exec");

    assertThat(glob.matches("http-nio-8080-exec")).isTrue();
    assertThat(glob.matches("http--exec")).isTrue();
    assertThat(glob.matches("http-nio-8080-exec-1")).isFalse();
    assertThat(Glob.of("*").matches("")).isTrue();
    assertThat(Glob.of("*").matches("line\nbreak")).isTrue();
  }

  @Test
  void questionMarkMatchesExactlyOneCharacter() {
    Glob glob = Glob.of("pool-?");

    assertThat(glob.matches("pool-1")).isTrue();
    assertThat(glob.matches("pool-")).isFalse();
    assertThat(glob.matches("pool-12")).isFalse();
  }

  @Test
  void dotIsLiteral() {
    Glob glob = Glob.of("com.acme.*");

    assertThat(glob.matches("com.acme.OrderService")).isTrue();
    assertThat(glob.matches("comXacme.OrderService")).isFalse();
  }

  @Test
  void regexOperatorsAreLiteral() {
    assertThat(Glob.of("a+b").matches("a+b")).isTrue();
    assertThat(Glob.of("a+b").matches("aab")).isFalse();
    assertThat(Glob.of("f(x)|g").matches("f(x)|g")).isTrue();
    assertThat(Glob.of("f(x)|g").matches("g")).isFalse();
    assertThat(Glob.of("[ab]{2}^$").matches("[ab]{2}^$")).isTrue();
    assertThat(Glob.of("[ab]").matches("a")).isFalse();
  }

  @Test
  void quotingEscapesCannotBeSmuggledIn() {
    Glob glob = Glob.of("a\\E.*\\Q");

    assertThat(glob.matches("a\\E.xyz\\Q")).isTrue();
    assertThat(glob.matches("a\\EXxyz\\Q")).isFalse();
  }

  @Test
  void matchIsAnchoredAtBothEnds() {
    assertThat(Glob.of("exec").matches("my-exec")).isFalse();
    assertThat(Glob.of("exec").matches("exec-1")).isFalse();
  }

  @Test
  void manyStarsMatchInLinearTime() {
    // As a regex this pattern backtracks through C(60, 12) splits of the name: hours.
    Glob glob = Glob.of("*a".repeat(12) + "*b");
    String name = "a".repeat(60);

    assertTimeoutPreemptively(Duration.ofSeconds(2), () -> assertThat(glob.matches(name)).isFalse());
    assertThat(glob.matches(name + "b")).isTrue();
  }

  @Test
  void nullNeverMatches() {
    assertThat(Glob.of("*").matches(null)).isFalse();
  }

  @Test
  void toStringIsTheOriginalPattern() {
    assertThat(Glob.of("a.*?")).hasToString("a.*?");
  }
}
