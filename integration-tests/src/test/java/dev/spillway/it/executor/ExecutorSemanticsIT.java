package dev.spillway.it.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.ExecutorSemanticsApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Rewritten executors keep the JDK's behaviour exactly: the same checks print the same results
 * with and without the agent, and those results are what the JDK promises.
 */
class ExecutorSemanticsIT {

  static final List<String> EXPECTED = List.of(
      "CHECK priority-order [1, 2, 3, 4, 5]",
      "CHECK remove contains=true removed=true drained-identity=true",
      "CHECK handler-identity true hooks-identity true",
      "CHECK exceptions uncaught-identity=true submit=IOException:io after=42",
      "CHECK shutdown-now interrupted terminated=true late=rejected",
      "CHECK policies caller-runs-on=main discard-oldest-ran=[3, 4]",
      "CHECK scheduled value=later delay-respected=true periodic=true terminated=true");

  @Test
  void behavesExactlyAsWithoutTheAgent() throws Exception {
    List<String> without = run(AgentJvm.builder(ExecutorSemanticsApp.class).withoutAgent(), false);
    assertThat(without).containsExactlyElementsOf(EXPECTED);

    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      List<String> with = run(AgentJvm.builder(ExecutorSemanticsApp.class).exportTo(receiver), true);
      assertThat(with).containsExactlyElementsOf(EXPECTED);
      // And the agent was really at work on these executors.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(receiver.metrics().attributeValues("jvm.executor.task.completed", "jvm.executor.name"))
              .contains("scheduler"));
    }
  }

  private static List<String> run(AgentJvm.Builder builder, boolean agent) {
    try (AgentJvm app = builder.start()) {
      if (agent) {
        app.awaitAgentStarted();
      }
      app.send("go");
      app.awaitOutput(line -> line.equals("CHECKS DONE"), Duration.ofSeconds(60));
      List<String> checks = app.stdout().stream().filter(l -> l.startsWith("CHECK ")).collect(Collectors.toList());
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
      return checks;
    }
  }
}
