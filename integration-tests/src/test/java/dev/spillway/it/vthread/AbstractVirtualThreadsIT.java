package dev.spillway.it.vthread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.VirtualThreadsApp;
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
 * Virtual threads on JDK 21+: exact started and alive counts, and pins counted from JFR once the
 * first virtual thread is seen. Attached, the threads started before the agent are in neither
 * count, even when they end after it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractVirtualThreadsIT {

  static final String COUNT = "jvm.thread.virtual.count";
  static final String STARTED = "jvm.thread.virtual.started";
  static final String PINS = "jvm.thread.virtual.pins";

  OtlpReceiver receiver;
  AgentJvm app;

  /** The JDK to run on, 21 or later. */
  abstract Path javaHome();

  /** Whether the agent is attached to the running JVM rather than given with -javaagent. */
  abstract boolean attach();

  @BeforeAll
  void start() throws Exception {
    receiver = OtlpReceiver.start();
    AgentJvm.Builder builder = AgentJvm.builder(VirtualThreadsApp.class).testClasspath()
        .property("spillway.log.level", "debug").property("spillway.vthread.enabled", "true");
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
  void startedAndAliveAreExact() {
    if (attach()) {
      // Running before the agent: never counted, not even when they end after it.
      assertThat(app.ask("start 2", "STARTED")).isEqualTo("STARTED 2");
      Cli.Result attached = Cli.run(javaHome(), "attach", Long.toString(app.pid()),
          "spillway.log.level=debug", "spillway.vthread.enabled=true",
          "otel.exporter.otlp.endpoint=" + receiver.httpEndpoint(),
          "otel.metric.export.interval=200");
      assertThat(attached.exitCode).as("%s", attached).isZero();
    }
    assertThat(app.ask("start 3", "STARTED")).isEqualTo("STARTED 3");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest(STARTED)).hasValue(3);
      assertThat(m.latest(COUNT)).hasValue(3);
    });
    assertThat(app.ask("start 1", "STARTED")).isEqualTo("STARTED 1");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest(STARTED)).hasValue(4);
      assertThat(m.latest(COUNT)).hasValue(4);
    });
    assertThat(app.ask("release", "RELEASED")).isEqualTo(attach() ? "RELEASED 6" : "RELEASED 4");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest(STARTED)).hasValue(4);
      assertThat(m.latest(COUNT)).hasValue(0);
    });
  }

  @Test
  @Order(2)
  void aVirtualThreadPinnedInAClassInitialiserIsCounted() {
    // The JFR stream starts within a second or two of the first virtual thread: reported from then.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.metrics().latest(PINS)).hasValue(0));
    assertThat(app.ask("pin 1", "PINNED")).isEqualTo("PINNED 1");
    assertThat(app.ask("pin 2", "PINNED")).isEqualTo("PINNED 2");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest(PINS)).hasValue(2);
      assertThat(m.latest(STARTED)).hasValue(6);
      assertThat(m.latest(COUNT)).hasValue(0);
    });
  }
}
