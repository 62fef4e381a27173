package dev.spillway.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.CollectionFirstApp;
import dev.spillway.it.apps.QuickExitApp;
import dev.spillway.it.apps.StartOfMainApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Libraries;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: with default settings, what a program builds and does in the first milliseconds of
 * {@code main} (while the agent is still starting) is all in the first export, exactly; and an
 * executor that terminates right after its tasks still reports its final count.
 * The jdk25-suite profile runs it again with the application on JDK 25.
 */
class StartOfMainIT {

  static final String EARLY = "early";
  static final String QUEUE = "dev.spillway.it.apps.StartOfMainApp.main";
  static final String POOL = "early-db";

  OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  /** The JDK to run the application on. */
  Path javaHome() {
    return Path.of(System.getProperty("java.home"));
  }

  @Test
  void aJvmThatExitsWhileTheAgentStartsExitsQuietly() {
    for (int i = 0; i < 3; i++) {
      try (AgentJvm app = AgentJvm.builder(QuickExitApp.class).javaHome(javaHome()).exportTo(receiver).start()) {
        assertThat(app.awaitOutput("BYE")).isEqualTo("BYE");
        assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
        assertThat(app.stderr()).as("%s", app).isEmpty();
      }
    }
  }

  /**
   * The gate once held {@code AbstractQueue} at main's first collection while the agent's rules
   * parser needed it too: main then stood still for the whole 30 s hold.
   */
  @Test
  void aCollectionOnMainsFirstLineDoesNotWaitForTheAgentsRulesParser(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, "rules:\n  - name: r\n    target: executor\n    match: x\n"
        + "    when: { queue.size: \">= 5\" }\n");
    try (AgentJvm app = AgentJvm.builder(CollectionFirstApp.class).javaHome(javaHome()).exportTo(receiver)
        .agentArgs("rules=" + rules).start()) {
      String first = app.awaitOutput(line -> line.startsWith("FIRST"), Duration.ofSeconds(60));
      long millis = Long.parseLong(first.split(" ")[1]);
      assertThat(millis).as("main waited on its first collection (the hold is 30 s)").isLessThan(10_000);
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
    }
  }

  @Test
  void everythingBuiltAtTheStartOfMainIsInTheFirstExportExactly() {
    AgentJvm.Builder builder = AgentJvm.builder(StartOfMainApp.class).javaHome(javaHome()).exportTo(receiver)
        .args("jdbc:h2:mem:early;DB_CLOSE_DELAY=-1");
    Libraries.poolApplication("hikari6").forEach(builder::classpath);
    try (AgentJvm app = builder.start()) {
      assertThat(app.awaitOutput("HELD"))
          .isEqualTo("HELD rejected=3 queued=5 refused=3 inbox=2 acquired=5 brief_terminated=true");
      // The first export collected after the application's start (export n + 1 may have been
      // collected before it; n + 2 was not): what an operator sees at once.
      int before = receiver.metricExports() + 1;
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.metricExports() > before);
      MetricsView first = receiver.metricsAfter(before);

      assertThat(first.latest("jvm.executor.thread.count", "jvm.executor.name", EARLY,
          "jvm.executor.thread.state", "active")).hasValue(2);
      assertThat(first.latest("jvm.executor.queue.size", "jvm.executor.name", EARLY)).hasValue(5);
      assertThat(first.latest("jvm.executor.queue.capacity", "jvm.executor.name", EARLY)).hasValue(5);
      assertThat(first.latest("jvm.executor.task.rejected", "jvm.executor.name", EARLY,
          "jvm.executor.rejection.reason", "saturated", "jvm.executor.rejection.policy", "abort")).hasValue(3);

      assertThat(first.latest("jvm.queue.size", "jvm.queue.name", QUEUE)).hasValue(2);
      assertThat(first.latest("jvm.queue.capacity", "jvm.queue.name", QUEUE)).hasValue(2);
      assertThat(first.latest("jvm.queue.offer.rejected", "jvm.queue.name", QUEUE,
          "jvm.queue.operation", "offer", "jvm.queue.rejection.reason", "full")).hasValue(3);

      // Every acquire, also those made before the SDK was up.
      HistogramDataPoint waits = first.latestHistogram("db.client.connection.wait_time",
          "db.client.connection.pool.name", POOL).orElseThrow();
      assertThat(waits.getCount()).isEqualTo(5);
      HistogramDataPoint uses = first.latestHistogram("db.client.connection.use_time",
          "db.client.connection.pool.name", POOL).orElseThrow();
      assertThat(uses.getCount()).isEqualTo(5);

      // Terminated before the first export: its final count is reported once.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(receiver.metrics().latest("jvm.executor.task.completed", "jvm.executor.name", "brief"))
              .as("%s\n%s", receiver.metrics().series("jvm.executor.task.completed"), app).hasValue(7));

      assertThat(app.agentProblems()).isEmpty();
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
    }
  }
}
