package dev.spillway.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.WovenFieldsApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Under {@code -javaagent} the JDK's executor and queue classes, woven as they load, carry the
 * agent's fields: an executor's work queues are marked as having nothing to observe (their hooks
 * are skipped) and the application's own queue is not; an executor holds its tracker until it is
 * released. Nothing reported changes: the refusals counted through the skipped queue are the
 * executor's, the application's queue is still measured, and a queue still serializes.
 */
class WovenFieldsIT {

  static final String OWN_QUEUE = "dev.spillway.it.apps.WovenFieldsApp.main";

  @Test
  void workQueuesAreMarkedExecutorsHoldTheirTrackersAndNothingReportedChanges() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AgentJvm app = AgentJvm.builder(WovenFieldsApp.class).exportTo(receiver)
            .jvmArg("--add-opens=java.base/java.util.concurrent=ALL-UNNAMED").start()) {
      app.awaitAgentStarted();
      app.send("go");
      app.awaitOutput(line -> line.equals("CHECKS DONE"), Duration.ofSeconds(60));
      List<String> checks = app.stdout().stream().filter(l -> l.startsWith("CHECK ")).collect(Collectors.toList());
      assertThat(checks).containsExactly(
          "CHECK work-queue-unobserved true",
          "CHECK handoff-unobserved true",
          "CHECK own-queue-unobserved false",
          "CHECK executor-state ExecutorTracker",
          "CHECK own-queue-copy [a, b]",
          "CHECK tasks-completed 3");

      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        assertThat(receiver.metrics().latest("jvm.executor.task.rejected", "jvm.executor.name", "fields-refusing",
            "jvm.executor.rejection.reason", "saturated", "jvm.executor.rejection.policy", "discard")).hasValue(5);
        assertThat(receiver.metrics().latest("jvm.executor.task.completed", "jvm.executor.name", "fields-worker"))
            .hasValue(3);
        assertThat(receiver.metrics().latest("jvm.queue.offer.rejected", "jvm.queue.name", OWN_QUEUE,
            "jvm.queue.operation", "offer", "jvm.queue.rejection.reason", "full")).hasValue(1);
        assertThat(receiver.metrics().latest("jvm.queue.size", "jvm.queue.name", OWN_QUEUE)).hasValue(2);
      });
      // The work queues are the executors', never series of their own: not even in an export
      // collected while one was built and its executor not yet (the application waits 300 ms).
      int mark = receiver.metricExports();
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.metricExports() >= mark + 2);
      assertThat(receiver.metrics().attributeValues("jvm.queue.size", "jvm.queue.name"))
          .contains(OWN_QUEUE).noneMatch(name -> name.contains("newWorkQueue") || name.contains("newHandoff"));

      app.send("shutdown");
      app.awaitOutput("TERMINATED");
      // Released at the next collection after the termination: the slot is emptied then.
      int exports = receiver.metricExports();
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.metricExports() >= exports + 2);
      assertThat(app.ask("read", "CHECK executor-state-after")).isEqualTo("CHECK executor-state-after null");
      assertThat(app.agentProblems()).isEmpty();
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
    }
  }
}
