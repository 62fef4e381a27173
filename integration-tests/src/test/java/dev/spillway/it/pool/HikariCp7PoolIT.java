package dev.spillway.it.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.PoolApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Libraries;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** HikariCP 7.x, unnamed: Hikari's own "HikariPool-1" does not count, the URL names it. */
class HikariCp7PoolIT extends AbstractPoolIT {
  @Override String library() { return "hikari"; }
  @Override String libraryJars() { return "hikari7"; }
  @Override String jdbcUrl() { return "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1"; }
  @Override String configuredName() { return null; }
  @Override String expectedName() { return "orders"; }
  @Override boolean reportsIdleLimits() { return false; }

  /**
   * With {@code spillway.timing=off} no acquire is sampled: every one is timed by the coarse clock
   * alone (issue 13), and the slow ones and the timeouts still make their spans.
   */
  @Test
  void slowAcquiresAreSeenWhenNoAcquireIsSampled() {
    AgentJvm.Builder builder = AgentJvm.builder(PoolApp.class).javaHome(javaHome()).exportTo(receiver)
        .property("spillway.timing", "off")
        .args(library(), jdbcUrl(), Integer.toString(SIZE), Integer.toString(TIMEOUT_MILLIS), "-");
    Libraries.poolApplication(libraryJars()).forEach(builder::classpath);
    try (AgentJvm app = builder.start()) {
      app.awaitAgentStarted();
      app.send("go");
      app.awaitOutput("READY");
      assertThat(app.ask("hold", "HELD")).isEqualTo("HELD " + SIZE);
      app.send("wait " + BORROWERS);
      for (int i = 0; i < BORROWERS; i++) {
        app.awaitOutput("BORROWER " + (i + 1) + " ");
      }
      // The borrowers wait past the 100 ms that make an acquire slow, then two are served.
      await().pollDelay(Duration.ofMillis(300)).until(() -> true);
      for (int i = 0; i < SERVED; i++) {
        int mark = app.outputMark();
        app.send("release 1");
        app.awaitOutputAfter(mark, line -> line.startsWith("GOT "), Duration.ofMillis(TIMEOUT_MILLIS));
      }
      await().atMost(Duration.ofSeconds(TIMEOUT_MILLIS / 1000 + 10)).untilAsserted(() -> {
        List<String> outcomes = new ArrayList<>();
        for (Span span : acquireSpans()) {
          outcomes.add(span.getAttributesList().stream()
              .filter(a -> a.getKey().equals("spillway.pool.acquire.outcome"))
              .map(a -> a.getValue().getStringValue()).findFirst().orElse(""));
        }
        assertThat(outcomes).containsExactlyInAnyOrder("ok", "ok", "timeout", "timeout");
      });
      assertThat(receiver.metrics().latestHistogram("db.client.connection.wait_time",
          "db.client.connection.pool.name", expectedName())).as("timing off: no acquire sampled").isEmpty();
      assertThat(app.ask("release-all", "RELEASED")).isEqualTo("RELEASED all");
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
