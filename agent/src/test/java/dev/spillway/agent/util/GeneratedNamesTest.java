package dev.spillway.agent.util;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GeneratedNamesTest {

  @Test
  void uuidsRandomTokensIdentityHashesAndRandomLoopbackPortsLookGenerated() {
    assertThat(GeneratedNames.looksGenerated("818fe3a7-ca4e-4b5e-9a0c-2f1e7d3b6a11")).isTrue();
    assertThat(GeneratedNames.looksGenerated("e9b425e4ca4e4b5e9a0c2f1e7d3b6a11")).isTrue();
    assertThat(GeneratedNames.looksGenerated("pool-818fe3a7-ca4e-4b5e-9a0c-2f1e7d3b6a11")).isTrue();
    assertThat(GeneratedNames.looksGenerated("1hge1ftbb1a2p9w51gj5lqz|6c3a3c15")).isTrue();
    assertThat(GeneratedNames.looksGenerated("session-00c0ffee12345678")).isTrue();
    assertThat(GeneratedNames.looksGenerated("qtp1365202186")).isTrue();
    // Jetty's scheduler, beside every Jetty server (Spring Boot's included): "Scheduler-" + hashCode().
    assertThat(GeneratedNames.looksGenerated("Scheduler-1403649277")).isTrue();
    assertThat(GeneratedNames.looksGenerated("export-1733563200000")).isTrue();
    assertThat(GeneratedNames.looksGenerated("localhost:54321/test")).isTrue();
    assertThat(GeneratedNames.looksGenerated("127.0.0.1:40001")).isTrue();
  }

  @Test
  void wordsPortsVersionsAndSmallNumbersDoNot() {
    assertThat(GeneratedNames.looksGenerated("orders-db")).isFalse();
    assertThat(GeneratedNames.looksGenerated("db.internal:5432/orders")).isFalse();
    assertThat(GeneratedNames.looksGenerated("db2-prod:50000/SAMPLE")).isFalse();
    assertThat(GeneratedNames.looksGenerated("localhost:5432/orders")).isFalse();
    assertThat(GeneratedNames.looksGenerated("http-nio-8080-exec")).isFalse();
    assertThat(GeneratedNames.looksGenerated("HikariPool-3")).isFalse();
    assertThat(GeneratedNames.looksGenerated("com.acme.Base64Encoder2")).isFalse();
    assertThat(GeneratedNames.looksGenerated("PeriodicMetricReader")).isFalse();
    assertThat(GeneratedNames.looksGenerated("worker-7")).isFalse();
    assertThat(GeneratedNames.looksGenerated("batch-123456")).isFalse();
    assertThat(GeneratedNames.looksGenerated("cafe")).isFalse();
    assertThat(GeneratedNames.looksGenerated("deadbeefcafebabe")).isFalse();
    assertThat(GeneratedNames.looksGenerated("")).isFalse();
    assertThat(GeneratedNames.looksGenerated(null)).isFalse();
  }
}
