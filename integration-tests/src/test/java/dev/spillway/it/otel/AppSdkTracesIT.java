package dev.spillway.it.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.TracedSdkApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Libraries;
import dev.spillway.it.support.OtlpReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application with its own OpenTelemetry API and SDK, no OpenTelemetry agent: a task it submits
 * inside its span, to an executor whose only worker is held, makes Spillway's queue-wait span with
 * that span as parent; a shed inside the span is an event on it.
 */
class AppSdkTracesIT {

  @Test
  void waitSpanIsAChildOfTheSubmittersSpanAndTheShedAnEventOnIt(@TempDir Path dir) throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, String.join("\n",
        "rules:",
        "  - name: guarded-backlog",
        "    target: executor",
        "    match: guarded",
        "    when:",
        "      queue.size: \">= 1\"",
        ""));
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      AgentJvm.Builder builder = AgentJvm.builder(TracedSdkApp.class).exportTo(receiver).agentArgs("rules=" + rules);
      Libraries.openTelemetry().forEach(builder::classpath);
      try (AgentJvm app = builder.start()) {
        app.awaitAgentStarted();
        app.send("start");
        app.awaitOutput("ready");
        app.send("run");
        assertThat(app.awaitOutput("shed ")).contains("guarded-backlog");
        String[] ids = app.awaitOutput("span ").split(" ");
        app.awaitOutput("done");
        List<String> events = app.stdout().stream().filter(line -> line.startsWith("event "))
            .collect(Collectors.toList());
        assertThat(events).hasSize(1);
        assertThat(events.get(0)).startsWith("event spillway.shed ")
            .contains("spillway.rule=guarded-backlog", "spillway.target.kind=executor",
                "spillway.target.name=guarded", "jvm.executor.rejection.policy=abort");

        Span wait = awaitWaitSpan(receiver, app);
        assertThat(OtelAgentIT.hex(wait.getTraceId())).isEqualTo(ids[1]);
        assertThat(OtelAgentIT.hex(wait.getParentSpanId())).isEqualTo(ids[2]);
        assertThat(OtelAgentIT.attribute(wait, "jvm.executor.name")).isEqualTo("jobs");
        assertThat(OtelAgentIT.attribute(wait, "spillway.executor.wait.outcome")).isEqualTo("started");
        assertThat(OtelAgentIT.longAttribute(wait, "spillway.executor.queue.size")).isZero();
        assertThat(OtelAgentIT.duration(wait)).isGreaterThanOrEqualTo(TracedSdkApp.HOLD_MILLIS / 2 * 1_000_000L);
        assertThat(app.agentProblems()).isEmpty();
      }
    }
  }

  private static Span awaitWaitSpan(OtlpReceiver receiver, AgentJvm app) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      List<Span> spans = OtelAgentIT.spans(receiver, "dev.spillway.executor", "jvm.executor.task.wait");
      if (!spans.isEmpty()) {
        assertThat(spans).as("one task waited long enough").hasSize(1);
        return spans.get(0);
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no queue-wait span within 30 s\n" + app);
      }
      OtelAgentIT.pause();
    }
  }
}
