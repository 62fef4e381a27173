package dev.spillway.it.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.NeighbourApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.JmxClient;
import dev.spillway.it.support.Libraries;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Spillway beside the real OpenTelemetry Java agent (listed before or after it, exporting to a
 * receiver of its own), with a JMX connection open and slf4j started (issue 11): Spillway reports
 * the application's executors and queues (the idle one too, when Spillway comes first and so
 * rewrites the executor classes), and none of the other agent's
 * exporter threads and span queues, the RMI scheduler or slf4j's substitute queue; it exports no
 * SDK self-metrics. With {@code spillway.plumbing.tracked=true} the other agent's internals are
 * there: the default is what hides them.
 */
class OtelAgentNeighbourIT {

  /** Names of other agents' and the JDK's plumbing, as issue 11 saw them. */
  static final Pattern PLUMBING = Pattern.compile(
      "(?i).*(okhttp|PeriodicMetricReader|BatchSpanProcessor|BatchLogRecordProcessor|RMI|SubstituteLogger"
          + "|opentelemetry|JcTools).*");
  static final Set<String> SPILLWAY_SCOPES =
      Set.of("dev.spillway.executor", "dev.spillway.queue", "dev.spillway.pool", "dev.spillway.rules");

  OtlpReceiver spillway;
  OtlpReceiver otel;

  @BeforeEach
  void startReceivers() throws Exception {
    spillway = OtlpReceiver.start();
    otel = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceivers() {
    spillway.close();
    otel.close();
  }

  /**
   * @param spillwayFirst Spillway's {@code -javaagent} before the other agent's: the JDK's executor
   *     classes load after it and are rewritten, so executors are seen from construction; after
   *     it, they are observed (found at their first thread), as after an attach
   */
  private AgentJvm start(boolean spillwayFirst, boolean plumbingTracked) {
    Path otelAgent = Libraries.pool("otel-javaagent", "opentelemetry-javaagent").get(0);
    AgentJvm.Builder builder = AgentJvm.builder(NeighbourApp.class).testClasspath();
    if (spillwayFirst) {
      builder.withoutAgent().jvmArg("-javaagent:" + AgentJvm.agentJar());
    }
    builder.jvmArg("-javaagent:" + otelAgent)
        .property("otel.exporter.otlp.endpoint", otel.httpEndpoint())
        .property("otel.metric.export.interval", "300")
        .property("otel.bsp.schedule.delay", "200")
        .property("otel.service.name", "neighbour")
        .property("spillway.otel.exporter.otlp.endpoint", spillway.httpEndpoint())
        .property("spillway.otel.metric.export.interval", "200");
    if (plumbingTracked) {
      builder.property("spillway.plumbing.tracked", "true");
    }
    Libraries.pool("common", "slf4j").forEach(builder::classpath);
    return builder.start();
  }

  /** Runs the scenario: work, a JMX connection, the other agent's exports; then Spillway's view. */
  private MetricsView drive(AgentJvm app) throws Exception {
    app.awaitAgentStarted();
    app.send("go");
    app.awaitOutput("READY");
    try (JmxClient jmx = JmxClient.connect(app.pid())) {
      jmx.get("java.lang:type=Runtime", "Uptime");
      app.ask("work 20", "WORKED");
      // The other agent has exported several times: its exporter threads have run.
      await().atMost(Duration.ofSeconds(30)).until(() -> otel.metricExports() >= 3);
      int mark = spillway.metricExports();
      await().atMost(Duration.ofSeconds(10)).until(() -> spillway.metricExports() >= mark + 2);
      return spillway.metricsAfter(mark + 1);
    }
  }

  @Test
  void otherAgentFirstNoneOfItsInternalsByDefault() throws Exception {
    try (AgentJvm app = start(false, false)) {
      Set<String> executors = noInternals(app);
      // The other agent loaded the executor class in its premain: Spillway still rewrites it (no
      // application worker ran yet), so the idle one is listed from construction, as below.
      assertThat(executors).as("executors").containsExactlyInAnyOrder("orders", NeighbourApp.class.getName());
      app.send("exit");
    }
  }

  @Test
  void spillwayFirstNoneOfItsInternalsAndTheIdleExecutorListed() throws Exception {
    try (AgentJvm app = start(true, false)) {
      Set<String> executors = noInternals(app);
      // orders, and the idle one, listed from construction under its construction site.
      assertThat(executors).as("executors").containsExactlyInAnyOrder("orders", NeighbourApp.class.getName());
      app.send("exit");
    }
  }

  /** Spillway's view holds the application's executors and queues and nothing of the plumbing. */
  private Set<String> noInternals(AgentJvm app) throws Exception {
    MetricsView m = drive(app);
    Set<String> executors = m.attributeValues("jvm.executor.thread.count", "jvm.executor.name");
    Set<String> queues = m.attributeValues("jvm.queue.size", "jvm.queue.name");
    assertThat(queues).contains(NeighbourApp.class.getName() + ".inbox");
    assertThat(executors).as("executors").noneMatch(n -> PLUMBING.matcher(n).matches());
    assertThat(queues).as("queues").noneMatch(n -> PLUMBING.matcher(n).matches());
    assertThat(m.scopes()).as("no SDK self-metrics").isSubsetOf(SPILLWAY_SCOPES);
    assertThat(m.names()).allMatch(n -> n.startsWith("jvm.executor.") || n.startsWith("jvm.queue.")
        || n.startsWith("db.client.connection.") || n.startsWith("spillway."));

    Cli.Result status = Cli.run("status", Long.toString(app.pid()));
    assertThat(status.exitCode).as("%s", status).isZero();
    List<String> rows = status.out.lines().skip(1).toList();
    assertThat(rows).as("%s", status.out).noneMatch(r -> PLUMBING.matcher(r).matches())
        .anyMatch(r -> r.contains(NeighbourApp.class.getName()));
    return executors;
  }

  @Test
  void theSettingIncludesThem() throws Exception {
    try (AgentJvm app = start(false, true)) {
      MetricsView m = drive(app);
      Set<String> all = new HashSet<>(m.attributeValues("jvm.executor.thread.count", "jvm.executor.name"));
      all.addAll(m.attributeValues("jvm.queue.size", "jvm.queue.name"));
      assertThat(all).as("%s", all).anyMatch(n -> PLUMBING.matcher(n).matches());
      app.send("exit");
    }
  }
}
