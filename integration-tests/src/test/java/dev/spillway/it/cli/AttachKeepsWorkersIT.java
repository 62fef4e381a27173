package dev.spillway.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.AttachedWorkersApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * An attach leaves {@code ThreadPoolExecutor} as it is, so that the workers already running keep
 * their compiled worker loop (issue 14): the JVM's own class-redefinition log must not name it.
 * The executors are still measured and shed: rejections through the JDK policies, a rule's
 * refusal through the work queue and the pool's own policy, a new executor found by its first
 * worker.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttachKeepsWorkersIT {

  OtlpReceiver receiver;
  AgentJvm app;
  Path redefinitions;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    receiver = OtlpReceiver.start();
    redefinitions = dir.resolve("redefined.log");
    app = AgentJvm.builder(AttachedWorkersApp.class).withoutAgent().testClasspath()
        .jvmArg("-Xlog:redefine+class+load=info:file=" + redefinitions)
        .start();
    app.awaitOutput("READY");
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, "rules:\n  - name: held-full\n    target: executor\n    match: held\n"
        + "    when: { queue.size: \">= 2\" }\n");
    Cli.Result attach = Cli.run("attach", Long.toString(app.pid()),
        "otel.exporter.otlp.endpoint=" + receiver.httpEndpoint(), "otel.metric.export.interval=200",
        "rules=" + rules);
    assertThat(attach.exitCode).as("%s", attach).isZero();
  }

  @AfterAll
  void stop() {
    app.send("exit");
    app.close();
    receiver.close();
  }

  @Test
  void theExecutorClassIsNotRedefinedButItsWorkerAndPoliciesAre() throws Exception {
    long before = busyRan();
    await().atMost(Duration.ofSeconds(10)).until(() -> busyRan() > before);
    List<String> redefined = Files.readAllLines(redefinitions).stream()
        .filter(line -> line.contains("redefined name="))
        .map(line -> line.replaceAll(".*redefined name=([^,]+),.*", "$1"))
        .collect(Collectors.toList());
    assertThat(redefined).contains("java.util.concurrent.ThreadPoolExecutor$Worker",
        "java.util.concurrent.ThreadPoolExecutor$AbortPolicy", "java.util.concurrent.ArrayBlockingQueue");
    assertThat(redefined).doesNotContain("java.util.concurrent.ThreadPoolExecutor");
  }

  @Test
  void aRuleRefusesThroughTheWorkQueueAndThePoolsOwnPolicy() {
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(receiver.metrics().latest("jvm.executor.thread.count", "jvm.executor.name", "held",
            "jvm.executor.thread.state", "active")).hasValue(1));
    // The queue takes 2, then the rule refuses; the pool is at its maximum, so AbortPolicy throws.
    assertThat(app.ask("submit 5", "SUBMITTED")).isEqualTo("SUBMITTED accepted=2 rejected=3");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", "held",
          "jvm.executor.rejection.reason", "shed", "jvm.executor.rejection.policy", "abort")).hasValue(3);
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", "held",
          "jvm.executor.rejection.reason", "saturated")).isEmpty();
      assertThat(m.latest("spillway.shed", "spillway.rule.name", "held-full")).hasValue(3);
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", "held")).hasValue(2);
    });
  }

  @Test
  void anExecutorBuiltAfterTheAttachIsFoundAndItsRejectionsCounted() {
    assertThat(app.ask("fresh", "FRESH")).isEqualTo("FRESH on-caller=3");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = receiver.metrics();
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", "fresh",
          "jvm.executor.rejection.reason", "saturated", "jvm.executor.rejection.policy", "caller_runs"))
          .hasValue(3);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", "fresh",
          "jvm.executor.thread.state", "active")).hasValue(1);
    });
  }

  private long busyRan() {
    return Long.parseLong(app.ask("busy", "BUSY").replace("BUSY ran=", ""));
  }
}
