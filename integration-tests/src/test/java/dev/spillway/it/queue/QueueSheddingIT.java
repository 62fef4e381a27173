package dev.spillway.it.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.QueueApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rule on a queue refuses inserts the way a full queue does: offer returns false, a timed offer
 * returns false at once instead of waiting, add throws "Queue full". A queue whose inserts never
 * fail is left alone, with one line saying so.
 */
class QueueSheddingIT {

  static final String INBOX = "dev.spillway.it.apps.QueueApp.createInbox";
  static final String PRIORITY = "dev.spillway.it.apps.QueueApp.createPriority";

  @Test
  void refusesInsertsLikeAFullQueueAndCountsThem(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, String.join("\n",
        "rules:",
        "  - name: inbox-cap",
        "    target: queue",
        "    match: \"*QueueApp.create*\"",
        "    when:",
        "      queue.size: \">= 5\"",
        ""));
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AgentJvm app = AgentJvm.builder(QueueApp.class).exportTo(receiver)
            .property("spillway.rules", rules.toString()).start()) {
      app.awaitAgentStarted();
      app.send("go");
      app.awaitOutput("READY");

      assertThat(app.ask("shed", "SHED")).isEqualTo(
          "SHED accepted=5 size=5 timed=false timed_fast=true add=Queue full priority=true");
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("jvm.queue.offer.rejected", "jvm.queue.name", INBOX, "jvm.queue.operation", "offer",
            "jvm.queue.rejection.reason", "shed")).hasValue(1);
        assertThat(m.latest("jvm.queue.offer.rejected", "jvm.queue.name", INBOX, "jvm.queue.operation",
            "offer_timed", "jvm.queue.rejection.reason", "shed")).hasValue(1);
        assertThat(m.latest("jvm.queue.offer.rejected", "jvm.queue.name", INBOX, "jvm.queue.operation", "add",
            "jvm.queue.rejection.reason", "shed")).hasValue(1);
        assertThat(m.latest("spillway.shed", "spillway.rule.name", "inbox-cap", "spillway.target.kind", "queue",
            "spillway.target.name", INBOX, "spillway.mode", "enforce")).hasValue(3);
        assertThat(m.latest("spillway.rule.active", "spillway.rule.name", "inbox-cap")).hasValue(1);
      });
      assertThat(receiver.metrics().latest("jvm.queue.offer.rejected", "jvm.queue.name", PRIORITY)).isEmpty();
      assertThat(app.agentProblems()).containsExactly("[spillway] WARN queue '" + PRIORITY + "' is a"
          + " java.util.concurrent.PriorityBlockingQueue, whose inserts never fail (callers rarely check them):"
          + " rules do not refuse its inserts");
    }
  }
}
