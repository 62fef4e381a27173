package dev.spillway.it.shedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.SheddingApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.JmxClient;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * Shedding rules on executors, in one JVM whose rule file changes while it runs: each condition
 * and action, dry-run, hot reload, a refused file, JMX, deletion.
 */
@Isolated // its assertions bound a duration: a rules change applies within a bound
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExecutorSheddingIT {

  static final String RULES_MBEAN = "dev.spillway:type=Rules";

  Path rules;
  OtlpReceiver receiver;
  AgentJvm app;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    rules = dir.resolve("rules.yaml");
    Files.writeString(rules, String.join("\n",
        "rules:",
        "  - name: orders-backlog",
        "    target: executor",
        "    match: \"orders*\"",
        "    when:",
        "      queue.utilization: \">= 0.5\"",
        "    action: reject",
        "    mode: enforce",
        ""));
    receiver = OtlpReceiver.start();
    app = AgentJvm.builder(SheddingApp.class).exportTo(receiver)
        .property("spillway.rules", rules.toString()).start();
    app.awaitAgentStarted();
    app.awaitOutput("READY");
  }

  @AfterAll
  void stop() {
    app.send("exit");
    app.close();
    receiver.close();
  }

  @Test
  @Order(1)
  void utilizationRuleRejectsWithAMessageNamingTheRule() {
    // 2 start at once; the queue (capacity 10) takes 5, then sits at 50%: the next 5 are shed.
    assertThat(submit("orders", 12)).startsWith("RESULT accepted=7 rejected=5 caller_ran=0 message=shed by"
        + " Spillway rule 'orders-backlog' (queue.utilization >= 0.5) on executor 'orders'");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", "orders",
          "jvm.executor.rejection.reason", "shed", "jvm.executor.rejection.policy", "abort")).hasValue(5);
      assertThat(m.latest("spillway.shed", "spillway.rule.name", "orders-backlog", "spillway.target.kind",
          "executor", "spillway.target.name", "orders", "spillway.mode", "enforce")).hasValue(5);
      assertThat(m.latest("spillway.rule.active", "spillway.rule.name", "orders-backlog")).hasValue(1);
      assertThat(m.latest("spillway.rules.reloads", "result", "ok")).hasValue(1);
    });
    release();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(receiver.metrics().latest("spillway.rule.active", "spillway.rule.name", "orders-backlog"))
            .hasValue(0));
  }

  @Test
  @Order(2)
  void aChangedFileTakesEffectOnceItHasStayedTheSameForASecond() throws Exception {
    long written = System.nanoTime();
    Files.writeString(rules, String.join("\n",
        "rules:",
        "  - name: reports-queue",
        "    target: executor",
        "    match: reports",
        "    when:",
        "      queue.size: \">= 3\"",
        "    action: handler",
        "  - name: orders-watch",
        "    target: executor",
        "    match: orders",
        "    when:",
        "      queue.utilization: \">= 0.2\"",
        "    mode: dry-run",
        "  - name: nobody",
        "    target: executor",
        "    match: \"nothing-here*\"",
        "    when:",
        "      queue.size: 0",
        "  - name: ticker-queue",
        "    target: executor",
        "    match: ticker",
        "    when:",
        "      queue.size: \">= 3\"",
        ""));
    app.awaitError(line -> line.contains("rules from " + rules + ": 4 rules"), Duration.ofSeconds(5));
    // Seen at one check, applied at the next, a second later, if it has not changed meanwhile.
    assertThat(System.nanoTime() - written).isBetween(Duration.ofSeconds(1).toNanos(), Duration.ofSeconds(3).toNanos());
  }

  @Test
  @Order(3)
  void handlerActionPassesTheTaskToThePoolsOwnHandler() {
    // 1 runs, 3 queue, then the pool's CallerRunsPolicy runs the other 2 in the caller.
    assertThat(submit("reports", 6)).isEqualTo("RESULT accepted=6 rejected=0 caller_ran=2 message=none");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(receiver.metrics().latest(
        "jvm.executor.task.rejected", "jvm.executor.name", "reports", "jvm.executor.rejection.reason", "shed",
        "jvm.executor.rejection.policy", "caller_runs")).hasValue(2));
    release();
  }

  @Test
  @Order(4)
  void dryRunCountsWhatItWouldShedAndShedsNothing() {
    // Queue at 2, 3, 4 of 10 when the last three arrive: three would-be sheds, none refused.
    assertThat(submit("orders", 7)).isEqualTo("RESULT accepted=7 rejected=0 caller_ran=0 message=none");
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("spillway.shed", "spillway.rule.name", "orders-watch", "spillway.mode", "dry-run"))
          .hasValue(3);
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", "orders",
          "jvm.executor.rejection.reason", "shed")).hasValue(5);
    });
    release();
    // The rule that matches nothing did nothing.
    assertThat(receiver.metrics().latest("spillway.shed", "spillway.rule.name", "nobody")).isEmpty();
  }

  @Test
  @Order(5)
  void scheduledExecutorShedsNewWorkButNeverItsPeriodicTask() {
    int before = ticks();
    // Ten minutes ahead, so they stay queued: the queue holds the periodic task plus these.
    assertThat(schedule(4)).startsWith("RESULT accepted=2 rejected=2 caller_ran=0 message=shed by Spillway"
        + " rule 'ticker-queue'");
    // The periodic task keeps running although the queue stays over the rule's limit.
    await().atMost(Duration.ofSeconds(10)).until(() -> ticks() > before + 3);
  }

  @Test
  @Order(6)
  void anInvalidFileIsRefusedWithItsPositionAndTheRulesStay() throws Exception {
    Files.writeString(rules, String.join("\n",
        "rules:",
        "  - name: broken",
        "    target: executor",
        "    when:",
        "      queue.sise: 3",
        ""));
    String line = app.awaitError(l -> l.startsWith("[spillway] WARN rules"), Duration.ofSeconds(5));
    assertThat(line).isEqualTo("[spillway] WARN rules " + rules + ":5:7: unknown key 'queue.sise' in 'when' of an"
        + " executor rule (did you mean 'queue.size'?) (expected queue.size, queue.utilization, wait);"
        + " keeping the previous 4 rules");
    assertThat(submit("reports", 6)).isEqualTo("RESULT accepted=6 rejected=0 caller_ran=2 message=none");
    release();
    await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
        assertThat(receiver.metrics().latest("spillway.rules.reloads", "result", "error")).hasValue(1));
  }

  @Test
  @Order(7)
  void rulesCanBeReadAndReplacedOverJmx() throws Exception {
    try (JmxClient jmx = JmxClient.connect(app.pid())) {
      assertThat((String) jmx.get(RULES_MBEAN, "Rules")).contains("name: reports-queue").contains("match: \"reports\"");
      assertThatThrownBy(() -> jmx.invoke(RULES_MBEAN, "apply", new Object[] {"rules:\n  - name: x\n    target: pool\n"
          + "    when: { queue.size: 1 }\n", "cli-rules.yaml"}, new String[] {"java.lang.String", "java.lang.String"}))
          .hasStackTraceContaining("cli-rules.yaml:4:13: unknown key 'queue.size' in 'when' of a pool rule");
      jmx.invoke(RULES_MBEAN, "apply", new Object[] {String.join("\n",
          "rules:",
          "  - name: orders-wait",
          "    target: executor",
          "    match: orders",
          "    when:",
          "      wait: { target: 20ms, interval: 100ms }",
          ""), "jmx-test"}, new String[] {"java.lang.String", "java.lang.String"});
      assertThat(jmx.get(RULES_MBEAN, "Source")).isEqualTo("jmx-test");
    }
  }

  @Test
  @Order(8)
  void waitRuleShedsOnceAStandingQueueOutlastsTheInterval() {
    // Both workers stuck, five tasks waiting: nothing leaves the queue, so time alone says the
    // oldest has waited more than 20 ms; after a whole 100 ms interval the rule sheds.
    assertThat(submit("orders", 7)).isEqualTo("RESULT accepted=7 rejected=0 caller_ran=0 message=none");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(submit("orders", 1)).startsWith("RESULT accepted=0 rejected=1 caller_ran=0 message=shed by"
            + " Spillway rule 'orders-wait' (wait { target: 20ms, interval: 100ms }) on executor 'orders'"));
    release();
    // Once nothing needs refusing for an interval, new work is admitted again.
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(submit("orders", 1)).isEqualTo("RESULT accepted=1 rejected=0 caller_ran=0 message=none"));
    release();
  }

  @Test
  @Order(9)
  void aDeletedFileMeansNoRules() throws Exception {
    // The file changes again (it had been refused), so it is read; then it goes away.
    Files.writeString(rules, "rules: []\n");
    app.awaitError(line -> line.contains("rules from " + rules + ": none"), Duration.ofSeconds(5));
    Files.writeString(rules, String.join("\n",
        "rules:",
        "  - name: orders-any",
        "    target: executor",
        "    match: orders",
        "    when: { queue.size: 0 }",
        ""));
    app.awaitError(line -> line.contains("rules from " + rules + ": 1 rule: orders-any"), Duration.ofSeconds(5));
    Files.delete(rules);
    app.awaitError(line -> line.contains("rules file " + rules + " was deleted"), Duration.ofSeconds(5));
    // Only the pool's own saturation refuses now: 2 run, 10 queue, 2 rejected by the pool.
    assertThat(submit("orders", 14)).startsWith("RESULT accepted=12 rejected=2 caller_ran=0 message=Task");
    release();
    assertThat(app.agentProblems()).containsExactly(
        "[spillway] WARN rules " + rules + ":5:7: unknown key 'queue.sise' in 'when' of an executor rule (did you"
            + " mean 'queue.size'?) (expected queue.size, queue.utilization, wait); keeping the previous 4 rules",
        "[spillway] WARN rules cli-rules.yaml:4:13: unknown key 'queue.size' in 'when' of a pool rule"
            + " (expected pending, wait); keeping the previous 4 rules");
  }

  private String submit(String pool, int count) {
    return app.ask("submit " + pool + " " + count, "RESULT");
  }

  private String schedule(int count) {
    return app.ask("schedule " + count, "RESULT");
  }

  private int ticks() {
    return Integer.parseInt(app.ask("ticks", "TICKS ").substring("TICKS ".length()));
  }

  private void release() {
    app.ask("release", "RELEASED");
  }
}
