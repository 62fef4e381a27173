package dev.spillway.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.AttachTargetApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.Libraries;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The command line against a JVM started without Spillway: attach (objects built before it are
 * measured), attach again (settings applied, nothing counted twice), status, rules, detach (the
 * application runs on and nothing more is exported).
 */
@Isolated // its assertions bound a duration: status at scale answers within 2 s
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AttachIT {

  /** The name the target's commons-pool2 pools report under: their factory's class. */
  static final String CHANNELS = "dev.spillway.it.apps.pools.ChannelFactory";

  OtlpReceiver receiver;
  AgentJvm app;
  Path dir;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    receiver = OtlpReceiver.start();
    AgentJvm.Builder builder = AgentJvm.builder(AttachTargetApp.class).withoutAgent().testClasspath()
        .args("--load-classes", "--pool-first");
    Libraries.pool("dbcp2", "commons-pool2").forEach(builder::classpath);
    app = builder.start();
    String ready = app.awaitOutput("READY");
    System.out.println("attach target " + ready);
  }

  @AfterAll
  void stop() {
    app.send("exit");
    app.close();
    receiver.close();
  }

  @Test
  @Order(1)
  void attachedAgentMeasuresWhatWasBuiltBeforeIt() {
    long start = System.nanoTime();
    Cli.Result attach = Cli.run("attach", Long.toString(app.pid()),
        "otel.exporter.otlp.endpoint=" + receiver.httpEndpoint(), "otel.metric.export.interval=200",
        "otel.service.name=attached");
    assertThat(attach.exitCode).as("%s", attach).isZero();
    assertThat(attach.out).startsWith("pid " + app.pid() + ": started ").contains("tracking executors, queues");
    long attached = System.nanoTime();
    // An executor that existed before, all its workers stuck: found from those workers at once,
    // with no further submit (issue 14).
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", "orders")).hasValue(3);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", "orders",
          "jvm.executor.thread.state", "active")).hasValue(2);
    });
    long toMetrics = (System.nanoTime() - attached) / 1_000_000;
    System.out.println("attach took " + attach.millis + " ms; first metrics of a pre-existing executor "
        + toMetrics + " ms after it returned, " + (System.nanoTime() - start) / 1_000_000 + " ms after it began");
    assertThat(app.ask("reject 1", "REJECTED")).isEqualTo("REJECTED 1");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(receiver.metrics().latest("jvm.executor.task.rejected", "jvm.executor.name", "orders"))
            .hasValue(1));
    assertThat(receiver.metrics().resource()).containsEntry("service.name", "attached");

    // The queue built before the attach is found by its inserts.
    assertThat(app.ask("use-queue 500", "USED")).startsWith("USED size=99");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(receiver.metrics().latest("jvm.queue.size", "jvm.queue.name",
            "dev.spillway.it.apps.AttachTargetApp.main")).hasValue(99));
  }

  @Test
  @Order(2)
  void attachingAgainAppliesSettingsAndCountsNothingTwice() throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, "rules:\n  - name: orders-full\n    target: executor\n    match: orders\n"
        + "    when: { queue.size: \">= 3\" }\n    mode: dry-run\n");
    Cli.Result again = Cli.run("attach", Long.toString(app.pid()), "rules=" + rules, "executor.max-tracked=7");
    assertThat(again.exitCode).as("%s", again).isZero();
    assertThat(again.out).startsWith("pid " + app.pid() + ": already running, not instrumenting again; applied"
        + " spillway.rules=" + rules + "; not applied: spillway.executor.max-tracked (needs a restart)");
    // The agent's own system properties, set by the first attach, are no settings (issue 12).
    app.awaitError(line -> line.startsWith("[spillway] INFO already running"), Duration.ofSeconds(10));
    assertThat(app.stderr()).noneMatch(line -> line.contains("unknown setting"));

    assertThat(app.ask("reject 3", "REJECTED")).isEqualTo("REJECTED 3");
    // One agent, so each rejection once: 1 before and 3 now, not twice that.
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", "orders",
          "jvm.executor.rejection.reason", "saturated")).hasValue(4);
      assertThat(m.latest("spillway.shed", "spillway.rule.name", "orders-full", "spillway.mode", "dry-run"))
          .hasValue(3);
    });
  }

  @Test
  @Order(3)
  void statusJsonGivesTheKnownState() {
    Cli.Result status = Cli.run("status", Long.toString(app.pid()), "--json");
    assertThat(status.exitCode).as("%s", status).isZero();
    assertThat(status.millis).as("status answers within 2 s").isLessThan(2000);
    Matcher orders = Pattern.compile("\\{\"kind\": \"executor\", \"name\": \"orders\"[^}]*}").matcher(status.out);
    assertThat(orders.find()).as("%s", status).isTrue();
    assertThat(orders.group()).contains("\"type\": \"java.util.concurrent.ThreadPoolExecutor\"",
        "\"depth\": 3", "\"capacity\": 3", "\"active\": 2", "\"max\": 2", "\"saturation\": 1.0000",
        "\"rejected\": 4", "\"shed\": 0", "\"completed\": 0", "\"activeRules\": [\"orders-full\"]");
    // Fullest first: the saturated executor leads.
    assertThat(status.out.indexOf("\"name\": \"orders\"")).isLessThan(status.out.indexOf("\"kind\": \"queue\""));

    Cli.Result table = Cli.run("status", Long.toString(app.pid()));
    assertThat(table.out.lines().skip(1).findFirst().orElseThrow())
        .matches("executor +orders +3/3 +2/2 +100% +4 +0 +- +orders-full");
  }

  @Test
  @Order(4)
  void aPoolBuiltBeforeTheAttachIsMeasuredFromItsNextBorrow() {
    assertThat(app.ask("hold", "HOLDING")).isEqualTo("HOLDING 1");
    Cli.Result status = Cli.run("status", Long.toString(app.pid()), "--json");
    Matcher pool = Pattern.compile("\\{\"kind\": \"pool\", \"name\": \"" + CHANNELS + "\"[^}]*}")
        .matcher(status.out);
    assertThat(pool.find()).as("%s", status).isTrue();
    assertThat(pool.group()).contains("\"type\": \"org.apache.commons.pool2.impl.GenericObjectPool\"",
        "\"depth\": 0", "\"active\": 1", "\"max\": 2", "\"rejected\": 0");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(receiver.metrics().latest("db.client.connection.count", "db.client.connection.pool.name",
            CHANNELS, "db.client.connection.state", "used")).hasValue(1));
  }

  @Test
  @Order(5)
  void statusAnswersFastWithHundredsOfTargets() {
    assertThat(app.ask("spawn 300", "SPAWNED")).isEqualTo("SPAWNED 300");
    assertThat(app.ask("pools 300", "POOLS")).isEqualTo("POOLS 301");
    Cli.Result status = Cli.run("status", Long.toString(app.pid()), "--json");
    assertThat(status.exitCode).as("%s", status).isZero();
    assertThat(status.millis).as("status answers within 2 s").isLessThan(2000);
    long tenants = Pattern.compile("\"name\": \"tenant\\d+\"").matcher(status.out).results().count();
    long overflow = Pattern.compile("\"name\": \"_overflow\"").matcher(status.out).results().count();
    long namedPools = Pattern.compile("\"kind\": \"pool\", \"name\": \"" + CHANNELS + "(#\\d+)?\"")
        .matcher(status.out).results().count();
    // Executors under their own name up to executor.max-tracked (200, with the executors
    // already there), pools up to pool.max-tracked (200); the rest of each kind is one
    // _overflow row with their sums (issue 14): 101 pools of at most 2 connections each.
    assertThat(tenants).isBetween(150L, 199L);
    assertThat(namedPools).isEqualTo(200);
    assertThat(overflow).isEqualTo(2);
    Matcher overflowPools = Pattern.compile("\\{\"kind\": \"pool\", \"name\": \"_overflow\"[^}]*}")
        .matcher(status.out);
    assertThat(overflowPools.find()).as("%s", status).isTrue();
    assertThat(overflowPools.group()).contains("\"max\": 202");
    long rows = Pattern.compile("\"kind\": ").matcher(status.out).results().count();
    System.out.println("status of " + rows + " executors, queues and pools took " + status.millis + " ms");
  }

  @Test
  @Order(6)
  void aBadRulesFileIsRefusedAndTheRulesStay() throws Exception {
    Path bad = dir.resolve("bad.yaml");
    Files.writeString(bad, "rules:\n  - name: x\n    target: executor\n    when: { queue.size: lots }\n");
    Cli.Result apply = Cli.run("rules", Long.toString(app.pid()), "apply", bad.toString());
    assertThat(apply.exitCode).isEqualTo(1);
    assertThat(apply.err.trim()).isEqualTo("spillway rules: rules " + bad + ":4:25: bad number in queue.size:"
        + " 'lots' (write it like \">= 0.8\" or \"> 100\"); nothing changed in pid " + app.pid());
    Cli.Result show = Cli.run("rules", Long.toString(app.pid()), "show");
    assertThat(show.out).contains("name: orders-full").contains("# shedding now: orders-full");
  }

  @Test
  @Order(7)
  void errorsAreOneClearLine() {
    Cli.Result missing = Cli.run("status", "999999999");
    assertThat(missing.exitCode).isEqualTo(1);
    assertThat(missing.err.trim()).isEqualTo("spillway status: no process with pid 999999999");
    Cli.Result usage = Cli.run("status", "orders");
    assertThat(usage.exitCode).isEqualTo(2);
    assertThat(usage.err.trim()).isEqualTo("spillway status: not a pid: 'orders' (usage: spillway status <pid> [--json])");
    // A runtime without the attach module (a JRE, a trimmed image) gets told so.
    Cli.Result jre = Cli.run(Path.of(System.getProperty("java.home")), List.of("--limit-modules",
        "java.base,java.management,java.net.http,java.logging,java.sql,java.instrument,jdk.unsupported"),
        "attach", Long.toString(app.pid()));
    assertThat(jre.exitCode).isEqualTo(1);
    assertThat(jre.err.trim()).isEqualTo("spillway attach: this Java runtime (" + System.getProperty("java.home")
        + ") has no attach support (module jdk.attach): run the command line with a JDK");
    Cli.Result help = Cli.run("top", "--help");
    assertThat(help.exitCode).isZero();
    assertThat(help.out).startsWith("usage: spillway top <pid> [--interval SECONDS] [--count N]");
  }

  @Test
  @Order(8)
  void detachLeavesTheApplicationWorkingAndSilent() {
    Cli.Result detach = Cli.run("detach", Long.toString(app.pid()));
    assertThat(detach.exitCode).as("%s", detach).isZero();
    assertThat(detach.out.trim()).isEqualTo("pid " + app.pid()
        + ": detached: classes restored to their original bytecode, export stopped");
    int exportsAfterDetach = receiver.metricExports();
    // The application works: its pool rejects as the JDK does, the queue is untouched.
    assertThat(app.ask("reject 2", "REJECTED")).isEqualTo("REJECTED 2");
    assertThat(app.ask("ping", "PONG")).isEqualTo("PONG 3");
    // And nothing more arrives, for ten export intervals.
    long since = System.nanoTime();
    await().atMost(Duration.ofSeconds(10)).until(() -> System.nanoTime() - since > 2_000_000_000L);
    assertThat(receiver.metricExports()).isEqualTo(exportsAfterDetach);
    Cli.Result status = Cli.run("status", Long.toString(app.pid()));
    assertThat(status.exitCode).isEqualTo(1);
    assertThat(status.err).contains("Spillway is not running in pid " + app.pid());
    Cli.Result list = Cli.run("list");
    assertThat(list.out)
        .containsPattern(app.pid() + " +" + Runtime.version().feature() + " +no +dev.spillway.it.apps.AttachTargetApp");
  }
}
