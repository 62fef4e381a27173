package dev.spillway.it.shedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.JdkExecutorsApp;
import dev.spillway.it.support.AgentJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wildcard rule sheds the application's executors and leaves the JDK's own alone (issue 12: a
 * {@code match: "*"} rule shed the JMX connector's {@code RMI Scheduler(0)}); a rule that names
 * one of the JDK's exactly still reaches it.
 */
class JdkExecutorsIT {

  @Test
  void wildcardsPassTheJdksOwnExecutorsByAndExactNamesReachThem(@TempDir Path dir) throws Exception {
    Path rules = Files.writeString(dir.resolve("rules.yaml"), String.join("\n",
        "rules:",
        "  - name: everything",
        "    target: executor",
        "    match: \"*\"",
        "    when: { queue.size: 0 }",
        "  - name: every-queue",
        "    target: queue",
        "    match: \"*\"",
        "    when: { queue.size: 0 }",
        ""));
    try (AgentJvm app = AgentJvm.builder(JdkExecutorsApp.class).property("otel.metrics.exporter", "none")
        .property("otel.traces.exporter", "none").property("spillway.rules", rules.toString()).start()) {
      app.awaitAgentStarted();
      app.awaitOutput("READY");

      // The first task starts the pool's worker, which names it and binds the rule.
      assertThat(app.ask("submit", "SUBMIT")).isEqualTo("SUBMIT accepted");
      assertThat(app.ask("submit", "SUBMIT")).startsWith("SUBMIT rejected shed by Spillway rule 'everything'");
      assertThat(app.ask("http", "HTTP")).isEqualTo("HTTP 200 hello");
      assertThat(app.ask("http", "HTTP")).isEqualTo("HTTP 200 hello");

      Files.writeString(rules, String.join("\n",
          "rules:",
          "  - name: the-http-client",
          "    target: executor",
          "    match: \"HttpClient-1-Worker\"",
          "    when: { queue.size: 0 }",
          ""));
      app.awaitError(line -> line.contains("rules from " + rules + ": 1 rule: the-http-client"), Duration.ofSeconds(10));
      assertThat(app.ask("http", "HTTP")).startsWith("HTTP failed");
      assertThat(app.ask("submit", "SUBMIT")).isEqualTo("SUBMIT accepted");
      app.send("exit");
      app.awaitExit(Duration.ofSeconds(10));
    }
  }
}
