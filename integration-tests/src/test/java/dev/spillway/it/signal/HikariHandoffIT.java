package dev.spillway.it.signal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.HikariContentionApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.Libraries;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * HikariCP as Spring Boot sets it up (no pool name, an H2 database named by a fresh UUID) under
 * contention, with -javaagent and after an attach (issue 11): the pool's name carries no UUID;
 * the hand-off queue has the same name both ways; its offers that find no taker are counted as
 * {@code reason=handoff} and never appear as rejections in {@code status}.
 */
class HikariHandoffIT {

  static final String HANDOFF = "com.zaxxer.hikari.util.ConcurrentBag.handoffQueue";

  OtlpReceiver receiver;
  final String database = UUID.randomUUID().toString();

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  private AgentJvm.Builder app() {
    AgentJvm.Builder builder = AgentJvm.builder(HikariContentionApp.class)
        .args("jdbc:h2:mem:" + database + ";DB_CLOSE_DELAY=-1");
    Libraries.poolApplication("hikari6").forEach(builder::classpath);
    return builder;
  }

  @Test
  void underJavaagentHandOffsAreNotRejectionsAndNoNameCarriesTheUuid() {
    try (AgentJvm app = app().exportTo(receiver).start()) {
      app.awaitAgentStarted();
      app.send("go");
      app.awaitOutput("READY");
      String loaded = app.ask("load 8 3000", "LOADED");
      assertThat(Long.parseLong(loaded.split(" ")[1])).isPositive();

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        Map<Map<String, String>, Long> refused = m.series("jvm.queue.offer.rejected");
        long handoffs = refused.entrySet().stream()
            .filter(e -> HANDOFF.equals(e.getKey().get("jvm.queue.name")))
            .filter(e -> "handoff".equals(e.getKey().get("jvm.queue.rejection.reason")))
            .mapToLong(Map.Entry::getValue).sum();
        assertThat(handoffs).as("hand-offs with no taker, counted apart: %s", refused).isPositive();
        assertThat(refused.keySet()).as("no hand-off counted as full")
            .noneMatch(a -> HANDOFF.equals(a.get("jvm.queue.name")) && "full".equals(a.get("jvm.queue.rejection.reason")));
        assertThat(m.attributeValues("db.client.connection.count", "db.client.connection.pool.name"))
            .containsExactly("HikariPool");
      });
      assertNoNameCarries(receiver.metrics(), database);

      Cli.Result status = Cli.run("status", Long.toString(app.pid()), "--json");
      assertThat(status.exitCode).as("%s", status).isZero();
      assertThat(rejected(status.out, "queue", HANDOFF)).as("%s", status.out).isZero();
      assertThat(allRejected(status.out)).as("nothing in status is a rejection: %s", status.out).containsOnly(0L);
      assertThat(status.out).doesNotContain(database);
      app.send("exit");
    }
  }

  @Test
  void afterAnAttachTheHandOffQueueHasTheSameNameAndNoRejections() {
    try (AgentJvm app = app().withoutAgent().start()) {
      app.send("go");
      app.awaitOutput("READY");
      app.ask("load 8 500", "LOADED");
      Cli.Result attach = Cli.run("attach", Long.toString(app.pid()),
          "otel.exporter.otlp.endpoint=" + receiver.httpEndpoint(), "otel.metric.export.interval=200");
      assertThat(attach.exitCode).as("%s", attach).isZero();
      app.ask("load 8 3000", "LOADED");

      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        Cli.Result status = Cli.run("status", Long.toString(app.pid()), "--json");
        assertThat(status.exitCode).as("%s", status).isZero();
        assertThat(rejected(status.out, "queue", HANDOFF)).as("%s", status.out).isZero();
        assertThat(allRejected(status.out)).as("%s", status.out).containsOnly(0L);
        assertThat(status.out).contains("\"name\": \"HikariPool\"").doesNotContain(database);
      });
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
          receiver.metrics().attributeValues("jvm.queue.offer.rejected", "jvm.queue.name")).contains(HANDOFF));
      app.send("exit");
    }
  }

  /** The {@code rejected} count of one status row; fails when the row is missing. */
  static long rejected(String json, String kind, String name) {
    Matcher row = Pattern.compile("\\{\"kind\": \"" + kind + "\", \"name\": \"" + Pattern.quote(name) + "\"[^}]*}")
        .matcher(json);
    assertThat(row.find()).as("a %s row named %s in %s", kind, name, json).isTrue();
    Matcher count = Pattern.compile("\"rejected\": (\\d+)").matcher(row.group());
    assertThat(count.find()).isTrue();
    return Long.parseLong(count.group(1));
  }

  static List<Long> allRejected(String json) {
    List<Long> all = new ArrayList<>();
    Matcher count = Pattern.compile("\"rejected\": (\\d+)").matcher(json);
    while (count.find()) {
      all.add(Long.parseLong(count.group(1)));
    }
    assertThat(all).isNotEmpty();
    return all;
  }

  static void assertNoNameCarries(MetricsView m, String text) {
    for (String[] name : new String[][] {{"db.client.connection.count", "db.client.connection.pool.name"},
        {"jvm.queue.size", "jvm.queue.name"}, {"jvm.executor.thread.count", "jvm.executor.name"}}) {
      assertThat(m.attributeValues(name[0], name[1])).as(name[0]).noneMatch(v -> v.contains(text));
    }
  }
}
