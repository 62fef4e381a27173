package dev.spillway.it.shedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.SheddingApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import java.io.RandomAccessFile;
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

/**
 * Rules files as a careless or hostile operator writes them (issue 12): nested past any reason at
 * start, 200 MB, one enormous line, written in steps. The agent starts, each problem is one line,
 * the rules in force stay, and the command line refuses the same files in one line with exit 1.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HostileRulesIT {

  static final String ORDERS_FIVE = String.join("\n",
      "rules:",
      "  - name: orders-five",
      "    target: executor",
      "    match: orders",
      "    when: { queue.size: 5 }",
      "");
  static final String REPORTS_RULE = String.join("\n",
      "  - name: reports-five",
      "    target: executor",
      "    match: reports",
      "    when: { queue.size: 5 }",
      "");

  Path dir;
  Path rules;
  AgentJvm app;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    rules = dir.resolve("rules.yaml");
    // 20 000 levels: this stopped the whole agent with a StackOverflowError.
    Files.writeString(rules, "[\n".repeat(20_000));
    app = AgentJvm.builder(SheddingApp.class).property("otel.metrics.exporter", "none")
        .property("otel.traces.exporter", "none").property("spillway.rules", rules.toString()).start();
    app.awaitAgentStarted();
    app.awaitOutput("READY");
  }

  @AfterAll
  void stop() {
    app.send("exit");
    app.close();
  }

  @Test
  @Order(1)
  void aDeeplyNestedFileAtStartLeavesTheAgentRunningWithoutRules() {
    assertThat(app.agentProblems()).containsExactly("[spillway] WARN rules " + rules
        + ":17:1: nested more than 16 levels deep (a rule file needs five); keeping the previous 0 rules");
    assertThat(submit("orders", 12)).isEqualTo("RESULT accepted=12 rejected=0 caller_ran=0 message=none");
    release();
  }

  @Test
  @Order(2)
  void aFileWrittenInStepsIsAppliedOnlyWhenComplete() throws Exception {
    Files.writeString(rules, ORDERS_FIVE);
    app.awaitError(line -> line.endsWith("rules from " + rules + ": 1 rule: orders-five"), Duration.ofSeconds(10));
    int before = app.stderr().size();

    // A writer that truncates, pauses longer than a check, then writes the new file in two steps
    // (the pauses are the writer's, not waits for the agent).
    Files.writeString(rules, "");
    Thread.sleep(1500);
    Files.writeString(rules, ORDERS_FIVE.replace("orders-five", "orders-six").replace("5 }", "6 }"));
    Thread.sleep(400);
    Files.writeString(rules, ORDERS_FIVE.replace("orders-five", "orders-six").replace("5 }", "6 }") + REPORTS_RULE);
    app.awaitError(line -> line.endsWith("rules from " + rules + ": 2 rules: orders-six, reports-five"),
        Duration.ofSeconds(10));

    assertThat(app.stderr().subList(before, app.stderr().size()))
        .noneMatch(line -> line.contains("rules from " + rules + ": none"))
        .noneMatch(line -> line.contains("rules from " + rules + ": 1 rule"));
    assertThat(submit("orders", 12)).startsWith("RESULT accepted=8 rejected=4 caller_ran=0 message=shed by Spillway"
        + " rule 'orders-six'");
    release();
  }

  @Test
  @Order(3)
  void aHugeFileAndAnEnormousLineAreRefusedOnceInOneLineAndTheRulesStay() throws Exception {
    int before = app.stderr().size();
    try (RandomAccessFile sparse = new RandomAccessFile(rules.toFile(), "rw")) {
      sparse.setLength(200L * 1024 * 1024);
    }
    String huge = app.awaitError(line -> line.contains("209715200 bytes"), Duration.ofSeconds(10));
    assertThat(huge).isEqualTo("[spillway] WARN rules " + rules + ":1:1: the file is 209715200 bytes, more than the"
        + " limit of 262144 (256 KiB); keeping the previous 2 rules");
    Files.writeString(rules, "rules: []\n# " + "x".repeat(5000) + "\n");
    String longLine = app.awaitError(line -> line.contains("characters long"), Duration.ofSeconds(10));
    assertThat(longLine).isEqualTo("[spillway] WARN rules " + rules + ":2:1001: line 2 is 5002 characters long,"
        + " more than the limit of 1000; keeping the previous 2 rules");
    Files.writeString(rules, ORDERS_FIVE);
    app.awaitError(line -> line.endsWith("rules from " + rules + ": 1 rule: orders-five"), Duration.ofSeconds(10));

    assertThat(app.stderr().subList(before, app.stderr().size()))
        .filteredOn(line -> line.contains("209715200 bytes")).hasSize(1);
    assertThat(app.stderr()).noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception in"));
  }

  @Test
  @Order(4)
  void theCommandLineRefusesTheSameFilesInOneLineWithExitCodeOne() throws Exception {
    Path deep = Files.writeString(dir.resolve("deep.yaml"), "[\n".repeat(20_000));
    Cli.Result result = Cli.run("rules", Long.toString(app.pid()), "apply", deep.toString());
    assertThat(result.exitCode).as(result.toString()).isEqualTo(1);
    assertThat(result.out).isEmpty();
    assertThat(result.err).isEqualTo("spillway rules: rules " + deep + ":17:1: nested more than 16 levels deep"
        + " (a rule file needs five); nothing changed in pid " + app.pid() + "\n");

    Path huge = dir.resolve("huge.yaml");
    try (RandomAccessFile sparse = new RandomAccessFile(huge.toFile(), "rw")) {
      sparse.setLength(200L * 1024 * 1024);
    }
    result = Cli.run("rules", Long.toString(app.pid()), "apply", huge.toString());
    assertThat(result.exitCode).as(result.toString()).isEqualTo(1);
    assertThat(result.err).isEqualTo("spillway rules: rules " + huge + ":1:1: the file is 209715200 bytes, more"
        + " than the limit of 262144 (256 KiB); nothing changed in pid " + app.pid() + "\n");
    assertThat(result.millis).isLessThan(10_000);
  }

  private String submit(String pool, int count) {
    return app.ask("submit " + pool + " " + count, "RESULT");
  }

  private void release() {
    app.ask("release", "RELEASED");
  }
}
