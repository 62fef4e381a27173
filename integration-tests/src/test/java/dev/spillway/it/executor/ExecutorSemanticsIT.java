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
public class ExecutorSemanticsIT {

  public static final List<String> EXPECTED = List.of(
      "CHECK priority-order [1, 2, 3, 4, 5]",
      "CHECK remove contains=true removed=true drained-identity=true",
      "CHECK handler-identity true hooks-identity true",
      "CHECK exceptions uncaught-identity=true submit=IOException:io after=42",
      "CHECK shutdown-now interrupted terminated=true late=rejected",
      "CHECK policies caller-runs-on=main discard-oldest-ran=[3, 4]",
      "CHECK scheduled value=later delay-respected=true periodic=true terminated=true");

  @Test
  void behavesExactlyAsWithoutTheAgent() throws Exception {
    try (AgentJvm plain = AgentJvm.builder(ExecutorSemanticsApp.class).withoutAgent().start()) {
      assertThat(checks(plain, false)).containsExactlyElementsOf(EXPECTED);
      exit(plain);
    }
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AgentJvm app = AgentJvm.builder(ExecutorSemanticsApp.class).exportTo(receiver).start()) {
      assertThat(checks(app, true)).containsExactlyElementsOf(EXPECTED);
      // And the agent was really at work in that JVM.
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(receiver.metrics().latest("jvm.executor.task.rejected", "jvm.executor.name", "witness",
              "jvm.executor.rejection.policy", "discard")).hasValue(1));
      exit(app);
    }
  }

  private static void exit(AgentJvm app) {
    app.send("exit");
    assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
    assertThat(app.agentProblems()).isEmpty();
  }

  private static List<String> checks(AgentJvm app, boolean agent) {
    if (agent) {
      app.awaitAgentStarted();
    }
    app.send("go");
    app.awaitOutput(line -> line.equals("CHECKS DONE"), Duration.ofSeconds(60));
    return app.stdout().stream().filter(l -> l.startsWith("CHECK ")).collect(Collectors.toList());
  }
}
