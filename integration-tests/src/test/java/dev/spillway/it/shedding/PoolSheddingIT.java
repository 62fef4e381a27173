package dev.spillway.it.shedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.PoolApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Libraries;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A controlled-delay ({@code wait}) rule on a HikariCP pool: while every connection is held and
 * requests keep waiting longer than the target, a new {@code getConnection} fails at once with a
 * {@code SQLTransientConnectionException} naming the rule, instead of waiting out the pool's
 * timeout. (The {@code pending} rule is part of every pool's contract, {@code AbstractPoolIT}.)
 */
class PoolSheddingIT {

  static final int TIMEOUT_MILLIS = 5000;
  static final String POOL = "orders-db";

  OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void waitRuleFailsGetConnectionFastOnceRequestsWaitTooLong(@TempDir Path dir) throws IOException {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, String.join("\n",
        "rules:",
        "  - name: slow-db",
        "    target: pool",
        "    match: \"orders-*\"",
        "    when:",
        "      wait: { target: 50ms, interval: 200ms }",
        ""));
    AgentJvm.Builder builder = AgentJvm.builder(PoolApp.class).exportTo(receiver)
        .property("spillway.rules", rules.toString())
        .args("hikari", "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1", "2", Integer.toString(TIMEOUT_MILLIS), POOL);
    Libraries.poolApplication("hikari7").forEach(builder::classpath);

    try (AgentJvm app = builder.start()) {
      app.awaitAgentStarted();
      app.send("go");
      app.awaitOutput("READY");
      // Nothing waits yet: admitted.
      assertThat(app.ask("try", "TRY")).startsWith("TRY ok ");
      assertThat(app.ask("release 1", "RELEASED")).isEqualTo("RELEASED 1");
      assertThat(app.ask("hold", "HELD")).isEqualTo("HELD 2");
      app.send("wait 2");
      app.awaitOutput("BORROWER 2 ");

      // Requests have waited at least 50 ms for a whole 200 ms: the rule sheds.
      await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(
          receiver.metrics().latest("spillway.rule.active", "spillway.rule.name", "slow-db")).hasValue(1));
      String[] tried = app.ask("try", "TRY").split(" ", 4);
      assertThat(tried[1]).isEqualTo("java.sql.SQLTransientConnectionException");
      assertThat(tried[3]).isEqualTo("shed by Spillway rule 'slow-db' (wait { target: 50ms, interval: 200ms })"
          + " on pool '" + POOL + "'");
      assertThat(Long.parseLong(tried[2])).isLessThan(TIMEOUT_MILLIS / 10);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("spillway.shed", "spillway.rule.name", "slow-db", "spillway.target.kind", "pool",
            "spillway.target.name", POOL, "spillway.mode", "enforce")).hasValue(1);
        assertThat(m.latest("spillway.pool.shed", "db.client.connection.pool.name", POOL)).hasValue(1);
        // A shed request is not a timeout, and never waited.
        assertThat(m.latest("db.client.connection.timeouts", "db.client.connection.pool.name", POOL)).hasValue(0);
      });

      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
