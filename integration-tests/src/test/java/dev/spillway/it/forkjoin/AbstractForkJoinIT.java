package dev.spillway.it.forkjoin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.ForkJoinApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * ForkJoinPools as executor series, read from their own getters: a custom pool with work held
 * (exact threads, queued submissions, parallelism as the limit, the steal count), the common pool
 * under its fixed name, and on JDK 21+ the virtual-thread scheduler.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractForkJoinIT {

  static final String TYPE = "java.util.concurrent.ForkJoinPool";

  OtlpReceiver receiver;
  AgentJvm app;

  /** The JDK to run on; null for the one running the tests. */
  abstract Path javaHome();

  /** Whether the agent is attached to the running JVM rather than given with -javaagent. */
  abstract boolean attach();

  @BeforeAll
  void start() throws Exception {
    receiver = OtlpReceiver.start();
    AgentJvm.Builder builder = AgentJvm.builder(ForkJoinApp.class).testClasspath();
    builder = attach() ? builder.withoutAgent() : builder.exportTo(receiver);
    if (javaHome() != null) {
      builder.javaHome(javaHome());
    }
    app = builder.start();
    if (!attach()) {
      app.awaitAgentStarted();
    }
    app.awaitOutput("READY");
  }

  @AfterAll
  void stop() {
    AgentJvm.finish(app, receiver);
  }

  @Test
  @Order(1)
  void aCustomPoolReportsItsThreadsQueueAndLimit() {
    assertThat(app.ask("hold 5", "HELD")).isEqualTo("HELD");
    if (attach()) {
      // Its workers run before the agent exists: found from them at install.
      Cli.Result attached = Cli.run(javaHome(), "attach", Long.toString(app.pid()),
          "otel.exporter.otlp.endpoint=" + receiver.httpEndpoint(), "otel.metric.export.interval=200");
      assertThat(attached.exitCode).as("%s", attached).isZero();
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", "crunch", "jvm.executor.type", TYPE))
          .hasValue(2);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", "crunch",
          "jvm.executor.thread.state", "active")).hasValue(2);
      assertThat(m.latest("jvm.executor.thread.running", "jvm.executor.name", "crunch")).hasValue(0);
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", "crunch")).hasValue(3);
      assertThat(m.latest("jvm.executor.queue.submissions", "jvm.executor.name", "crunch")).hasValue(3);
    });
    // No core size, no completed count: a ForkJoinPool has neither.
    MetricsView m = receiver.metrics();
    assertThat(m.latest("jvm.executor.thread.core", "jvm.executor.name", "crunch")).isEmpty();
    assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", "crunch")).isEmpty();
    assertThat(m.latest("jvm.executor.queue.capacity", "jvm.executor.name", "crunch")).isEmpty();
  }

  @Test
  @Order(2)
  void virtualThreadsRunOnTheSchedulerSeries() {
    String started = app.ask("virtual", "VIRTUAL");
    if (started.equals("VIRTUAL none")) {
      // JDK 17: no scheduler, no series.
      assertThat(receiver.metrics().attributeValues("jvm.executor.thread.limit", "jvm.executor.name"))
          .doesNotContain("virtual-thread-scheduler");
      return;
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.metrics().latest(
        "jvm.executor.thread.limit", "jvm.executor.name", "virtual-thread-scheduler", "jvm.executor.type", TYPE))
        .hasValue(Runtime.getRuntime().availableProcessors()));
  }

  @Test
  @Order(3)
  void theStealCountIsTheCountersValue() {
    String steals = app.ask("release", "STEALS").substring("STEALS ".length());
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.task.stolen", "jvm.executor.name", "crunch"))
          .hasValue(Long.parseLong(steals));
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", "crunch")).hasValue(0);
    });
  }

  @Test
  @Order(4)
  void theCommonPoolHasItsOwnName() {
    String parallelism = app.ask("common", "COMMON").split(" ")[1];
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.metrics().latest(
        "jvm.executor.thread.limit", "jvm.executor.name", "ForkJoinPool.commonPool", "jvm.executor.type", TYPE))
        .hasValue(Long.parseLong(parallelism)));
  }
}
