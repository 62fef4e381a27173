package dev.spillway.agent.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {

  @Test
  void escapesControlAndFormattingCharacters() {
    assertThat(Printable.clip("a\u001b[2Jb\r\nc\u202ed", 100)).isEqualTo("a\\u001b[2Jb\\u000d\\u000ac\\u202ed");
  }

  @Test
  void cutsLongTextSayingHowLongItWas() {
    assertThat(Printable.clip("x".repeat(200_000), 10)).isEqualTo("xxxxxxxxxx... (200000 characters)");
    assertThat(Printable.clip("short", 10)).isEqualTo("short");
  }
}
