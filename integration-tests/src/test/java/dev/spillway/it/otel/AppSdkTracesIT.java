package dev.spillway.it.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.TracedPoolApp;
import dev.spillway.it.apps.TracedSdkApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Libraries;
import dev.spillway.it.support.OtlpReceiver;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An application with its own OpenTelemetry API and SDK, no OpenTelemetry agent: a task it submits
 * inside its span, to an executor whose only worker is held (the JDK's, Jetty's pool), makes
 * Spillway's queue-wait span with that span as parent, a scheduled task one from when it was due;
 * a shed inside the span is an event on it. The same application's HikariCP
 * pool: a timeout is an event on the caller's span and on Spillway's acquire span, a shed an
 * event on the caller's span, and a flood of sheds adds a bounded few.
 */
class AppSdkTracesIT {

  @Test
  void waitSpanIsAChildOfTheSubmittersSpanAndTheShedAnEventOnIt(@TempDir Path dir) throws Exception {
    Path rules = rule(dir, "guarded-backlog", "executor", "guarded", "queue.size");
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      AgentJvm.Builder builder = AgentJvm.builder(TracedSdkApp.class).exportTo(receiver).agentArgs("rules=" + rules);
      Libraries.openTelemetry().forEach(builder::classpath);
      Libraries.pool("jetty12", "jetty-util").forEach(builder::classpath);
      Libraries.pool("common", "slf4j").forEach(builder::classpath);
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

        Span wait = awaitSpan(receiver, app, "dev.spillway.executor", "jvm.executor.task.wait",
            span -> "jobs".equals(OtelAgentIT.attribute(span, "jvm.executor.name")));
        assertThat(OtelAgentIT.hex(wait.getTraceId())).isEqualTo(ids[1]);
        assertThat(OtelAgentIT.hex(wait.getParentSpanId())).isEqualTo(ids[2]);
        assertThat(OtelAgentIT.attribute(wait, "jvm.executor.name")).isEqualTo("jobs");
        assertThat(OtelAgentIT.attribute(wait, "spillway.executor.wait.outcome")).isEqualTo("started");
        assertThat(OtelAgentIT.longAttribute(wait, "spillway.executor.queue.size")).isZero();
        assertThat(OtelAgentIT.duration(wait)).isGreaterThanOrEqualTo(TracedSdkApp.HOLD_MILLIS / 2 * 1_000_000L);

        // Jetty's pool: the job waited for its only thread, from execute to runJob.
        Span jetty = awaitSpan(receiver, app, "dev.spillway.executor", "jvm.executor.task.wait",
            span -> "jetty-jobs".equals(OtelAgentIT.attribute(span, "jvm.executor.name")));
        assertThat(OtelAgentIT.hex(jetty.getParentSpanId())).isEqualTo(ids[2]);
        assertThat(OtelAgentIT.attribute(jetty, "jvm.executor.type"))
            .isEqualTo("org.eclipse.jetty.util.thread.QueuedThreadPool");
        assertThat(OtelAgentIT.duration(jetty)).isGreaterThanOrEqualTo(TracedSdkApp.WORKERS_HOLD_MILLIS * 1_000_000L);

        // The scheduled task: its wait runs from when it was due (at least hold - delay, about
        // that), not from when it was scheduled (at least the hold).
        Span late = awaitSpan(receiver, app, "dev.spillway.executor", "jvm.executor.task.wait",
            span -> "ticks".equals(OtelAgentIT.attribute(span, "jvm.executor.name")));
        assertThat(OtelAgentIT.hex(late.getTraceId())).isEqualTo(ids[1]);
        assertThat(OtelAgentIT.hex(late.getParentSpanId())).isEqualTo(ids[2]);
        assertThat(OtelAgentIT.attribute(late, "jvm.executor.type"))
            .isEqualTo("java.util.concurrent.ScheduledThreadPoolExecutor");
        long due = (TracedSdkApp.WORKERS_HOLD_MILLIS - TracedSdkApp.DELAY_MILLIS) * 1_000_000L;
        assertThat(OtelAgentIT.duration(late)).as("from due to start")
            .isBetween(due, TracedSdkApp.WORKERS_HOLD_MILLIS * 1_000_000L);
        assertThat(app.agentProblems()).isEmpty();
      }
    }
  }

  @Test
  void aPoolsTimeoutAndShedAreEventsOnTheCallersSpanAndAFloodOfThemAFew(@TempDir Path dir) throws Exception {
    Path rules = rule(dir, "orders-db-backlog", "pool", "orders-db", "pending");
    int flood = 200;
    try (OtlpReceiver receiver = OtlpReceiver.start()) {
      AgentJvm.Builder builder = AgentJvm.builder(TracedPoolApp.class).exportTo(receiver).agentArgs("rules=" + rules)
          .args(Integer.toString(flood));
      Libraries.openTelemetry().forEach(builder::classpath);
      Libraries.pool("common", "").forEach(builder::classpath);
      Libraries.pool("hikari6", "").forEach(builder::classpath);
      try (AgentJvm app = builder.start()) {
        app.awaitAgentStarted();
        app.send("start");
        app.awaitOutput("ready");
        app.send("run");
        assertThat(app.awaitOutput("timeout ")).contains("request timed out after");
        assertThat(app.awaitOutput("shed ")).contains("shed by Spillway rule 'orders-db-backlog' (pending >= 1)");
        assertThat(app.awaitOutput("flood shed ")).isEqualTo("flood shed " + flood);
        app.awaitOutput("done");
        String[] request = app.stdout().stream().filter(line -> line.startsWith("span request ")).findFirst()
            .orElseThrow().split(" ");
        List<String> onRequest = events(app, "request");
        assertThat(onRequest).hasSize(2);
        assertThat(onRequest.get(0)).startsWith("db.client.connection.timeout ")
            .contains("db.client.connection.pool.name=orders-db", "exception.type=java.sql.SQLTransientConnectionException",
                "spillway.pool.wait_time=0.");
        assertThat(onRequest.get(1)).startsWith("spillway.shed ")
            .contains("spillway.target.kind=pool", "spillway.target.name=orders-db", "spillway.rule=orders-db-backlog",
                "spillway.shed.reason=pending >= 1");
        // Ten a second per pool: the flood's 200 sheds straddle a second boundary at most once.
        assertThat(events(app, "flood")).hasSizeBetween(1, 20).allMatch(event -> event.startsWith("spillway.shed "));

        // Spillway's span of the timed-out acquire: inside the request, with the event too.
        Span acquire = awaitSpan(receiver, app, "dev.spillway.pool", "db.client.connection.acquire",
            span -> !span.getParentSpanId().isEmpty());
        assertThat(OtelAgentIT.hex(acquire.getTraceId())).isEqualTo(request[2]);
        assertThat(OtelAgentIT.hex(acquire.getParentSpanId())).isEqualTo(request[3]);
        assertThat(OtelAgentIT.attribute(acquire, "spillway.pool.acquire.outcome")).isEqualTo("timeout");
        assertThat(OtelAgentIT.duration(acquire)).isGreaterThanOrEqualTo(TracedPoolApp.TIMEOUT_MILLIS / 2 * 1_000_000L);
        assertThat(acquire.getEventsList()).extracting(Span.Event::getName)
            .containsExactly("db.client.connection.timeout");
        assertThat(OtelAgentIT.attribute(acquire.getEvents(0).getAttributesList(), "db.client.connection.pool.name"))
            .isEqualTo("orders-db");
        assertThat(app.agentProblems()).isEmpty();
      }
    }
  }

  /** A rules file of one rule that fires when {@code signal >= 1}. */
  private static Path rule(Path dir, String name, String target, String match, String signal) throws Exception {
    return Files.writeString(dir.resolve("rules.yaml"), String.join("\n", "rules:", "  - name: " + name,
        "    target: " + target, "    match: " + match, "    when:", "      " + signal + ": \">= 1\"", ""));
  }

  /** The events printed for the application's span of that name: {@code <event> <attributes>}. */
  private static List<String> events(AgentJvm app, String span) {
    String prefix = "event " + span + " ";
    return app.stdout().stream().filter(line -> line.startsWith(prefix)).map(line -> line.substring(prefix.length()))
        .collect(Collectors.toList());
  }

  /** Waits for the one span of that scope and name that passes {@code test}. */
  static Span awaitSpan(OtlpReceiver receiver, AgentJvm app, String scope, String name,
      java.util.function.Predicate<Span> test) {
    List<Span> spans = OtelAgentIT.awaitFound(() -> {
      List<Span> found = OtelAgentIT.spans(receiver, scope, name).stream().filter(test).collect(Collectors.toList());
      return found.isEmpty() ? null : found;
    }, () -> "no " + name + " span within 30 s\n" + app);
    assertThat(spans).as("one %s span", name).hasSize(1);
    return spans.get(0);
  }
}
