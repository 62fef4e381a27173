package dev.spillway.it.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.QueueSemanticsApp;
import dev.spillway.it.support.AgentJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rewritten queues keep the JDK's behaviour exactly: every insert and removal, bulk and iterator
 * operation gives the same results with the agent (by default, and with every detail and a rule
 * on every queue) as without it.
 */
class QueueSemanticsIT {

  @Test
  void behavesExactlyAsWithoutTheAgent(@TempDir Path dir) throws Exception {
    List<String> expected;
    try (AgentJvm plain = AgentJvm.builder(QueueSemanticsApp.class).withoutAgent().start()) {
      expected = checks(plain, false);
    }
    assertThat(expected).hasSize(7);
    assertThat(expected.get(0)).isEqualTo("CHECK array [true, true, false, IllegalStateException:Queue full,"
        + " false, true, 0, 1, true, true, [1, 3], 1, 3, null, NoSuchElementException:null, 1:[11], true,"
        + " handed:42, interrupted]");

    try (AgentJvm measured = AgentJvm.builder(QueueSemanticsApp.class)
        .property("otel.metrics.exporter", "none").property("otel.traces.exporter", "none").start()) {
      assertThat(checks(measured, true)).containsExactlyElementsOf(expected);
    }

    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, "rules:\n  - name: never\n    target: queue\n    when:\n"
        + "      queue.size: \">= 1000000\"\n      wait: { target: 10s, interval: 100s }\n");
    try (AgentJvm detailed = AgentJvm.builder(QueueSemanticsApp.class)
        .property("otel.metrics.exporter", "none").property("otel.traces.exporter", "none")
        .property("spillway.queue.details", "*").property("spillway.rules", rules.toString()).start()) {
      assertThat(checks(detailed, true)).containsExactlyElementsOf(expected);
    }
  }

  private static List<String> checks(AgentJvm app, boolean agent) {
    if (agent) {
      app.awaitAgentStarted();
    }
    app.send("go");
    app.awaitOutput(line -> line.equals("CHECKS DONE"), Duration.ofSeconds(60));
    List<String> checks = app.stdout().stream().filter(l -> l.startsWith("CHECK ")).collect(Collectors.toList());
    app.send("exit");
    assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
    if (agent) {
      assertThat(app.agentProblems()).allMatch(line -> line.contains("whose inserts never fail"));
    }
    return checks;
  }
}
