package dev.spillway.it.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.ObjectPoolApp;
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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plain commons-pool2 pools, {@code GenericObjectPool} and {@code GenericKeyedObjectPool} (counted
 * over all its keys), pooling objects that are not connections: each reports under its factory's
 * class (renamed here by {@code spillway.pool.names}), and a shedding rule refuses a borrow with
 * the pool's own {@code NoSuchElementException}, not a SQL exception.
 */
class CommonsObjectPoolIT {

  static final int TIMEOUT_MILLIS = 3000;

  OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"plain", "keyed"})
  void objectPoolIsMeasuredAndShedWithItsOwnException(String kind, @TempDir Path dir) throws IOException {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, String.join("\n",
        "rules:",
        "  - name: channels-backlog",
        "    target: pool",
        "    match: channels",
        "    when:",
        "      pending: \">= 2\"",
        ""));
    AgentJvm.Builder builder = AgentJvm.builder(ObjectPoolApp.class).exportTo(receiver)
        .property("spillway.rules", rules.toString())
        .property("spillway.pool.names", "*ChannelFactory=channels")
        .args(Integer.toString(TIMEOUT_MILLIS), kind);
    Libraries.pool("dbcp2", "commons-pool2").forEach(builder::classpath);

    try (AgentJvm app = builder.start()) {
      app.awaitAgentStarted();
      app.send("go");
      app.awaitOutput("READY");
      assertThat(app.ask("hold", "HELD")).isEqualTo("HELD 2");
      app.send("wait");
      await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("db.client.connection.pending_requests", "db.client.connection.pool.name", "channels"))
            .hasValue(2);
        assertThat(m.latest("db.client.connection.count", "db.client.connection.pool.name", "channels",
            "db.client.connection.state", "used")).hasValue(2);
      });
      MetricsView m = receiver.metrics();
      assertThat(m.latest("db.client.connection.max", "db.client.connection.pool.name", "channels")).hasValue(2);
      if (kind.equals("plain")) {
        assertThat(m.latest("db.client.connection.idle.max", "db.client.connection.pool.name", "channels")).hasValue(2);
      } else {
        // A keyed pool's idle limits are per key: no pool-wide value to report.
        assertThat(m.latest("db.client.connection.idle.max", "db.client.connection.pool.name", "channels")).isEmpty();
      }

      String[] tried = app.ask("try", "TRY").split(" ", 4);
      assertThat(tried[1]).isEqualTo("java.util.NoSuchElementException");
      assertThat(tried[3]).isEqualTo("shed by Spillway rule 'channels-backlog' (pending >= 2) on pool 'channels'");
      assertThat(Long.parseLong(tried[2])).isLessThan(TIMEOUT_MILLIS / 10);

      assertThat(app.ask("release", "RELEASED")).isEqualTo("RELEASED");
      app.awaitOutput("GOT ");
      assertThat(app.awaitOutput(line -> line.startsWith("FAILED "), Duration.ofSeconds(10)))
          .endsWith("java.util.NoSuchElementException");
      // Two objects, as a rule; a keyed pool that meets a borrower while an object is idle
      // destroys that object to make room and makes another: the pool's own count says.
      long created = Long.parseLong(app.ask("created", "CREATED").split(" ")[1]);
      assertThat(created).isBetween(2L, 3L);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        MetricsView now = receiver.metrics();
        assertThat(now.latest("db.client.connection.timeouts", "db.client.connection.pool.name", "channels"))
            .hasValue(1);
        assertThat(now.latest("spillway.pool.shed", "db.client.connection.pool.name", "channels")).hasValue(1);
        assertThat(now.latestHistogram("db.client.connection.wait_time", "db.client.connection.pool.name",
            "channels").orElseThrow().getCount()).isEqualTo(3);
        assertThat(now.latestHistogram("db.client.connection.use_time", "db.client.connection.pool.name",
            "channels").orElseThrow().getCount()).isEqualTo(1);
        assertThat(now.latestHistogram("db.client.connection.create_time", "db.client.connection.pool.name",
            "channels").orElseThrow().getCount()).isEqualTo(created);
      });

      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
