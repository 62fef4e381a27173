package dev.spillway.it.otel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.TracedServerApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.Libraries;
import dev.spillway.it.support.OtlpReceiver;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Spillway beside the real OpenTelemetry Java agent, in the three ways users combine them: that
 * agent first on the command line, Spillway first, and Spillway attached to a JVM that runs that
 * agent. Both export to one OTLP receiver. The application is an HTTP service that declares no
 * OpenTelemetry API (the usual case with the agent), served by the JDK's HTTP server, which the
 * agent traces: Spillway's spans must land inside the agent's SERVER span of the request that
 * waited, a pool's timeout and a rule's shed must be events on that span, Spillway's exports must
 * not become the application's CLIENT spans or HTTP client metrics, everything Spillway rewrites
 * is rewritten, and neither agent prints a warning.
 */
class OtelAgentIT {

  enum Order { OTEL_AGENT_FIRST, SPILLWAY_FIRST, SPILLWAY_ATTACHED }

  static final Path OTEL_AGENT = Path.of(System.getProperty("otel.javaagent.jar",
      "target/otel-javaagent/opentelemetry-javaagent.jar"));

  OtlpReceiver receiver;
  AgentJvm app;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @BeforeEach
  void startReceiver() throws Exception {
    assertThat(OTEL_AGENT).as("the OpenTelemetry Java agent, copied by the build").isRegularFile();
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
    receiver.close();
  }

  @ParameterizedTest
  @EnumSource(Order.class)
  void spansJoinTheAgentsRequestTraceAndExportsStayUntraced(Order order) throws Exception {
    int port = start(order);

    assertThat(get(port, "/acquire")).isEqualTo("acquired true");

    Span server = await(() -> serverSpan("/acquire"), "the OpenTelemetry agent's SERVER span of /acquire");
    // The warm-up acquire at start may be slow too, a root span: the request's has a parent (the old
    // code made every one a root span, issue 10).
    Span acquire = await(() -> longest(spillwaySpans("dev.spillway.pool", "db.client.connection.acquire").stream()
        .filter(span -> !span.getParentSpanId().isEmpty()).collect(Collectors.toList())),
        "Spillway's slow-acquire span with a parent");
    assertThat(hex(acquire.getTraceId())).as("trace of the acquire span").isEqualTo(hex(server.getTraceId()));
    assertThat(hex(acquire.getParentSpanId())).as("parent of the acquire span").isEqualTo(hex(server.getSpanId()));
    assertThat(duration(acquire))
        .as("the acquire waited for the holder").isGreaterThanOrEqualTo(TracedServerApp.HOLD_MILLIS / 2 * 1_000_000L);

    // A task that waited for the held worker of 'jobs': its wait span, inside the request's trace.
    // After an attach ThreadPoolExecutor is observed, not rewritten (issue 14): no wait spans.
    // Loaded by the other agent's premain, it is rewritten all the same.
    assertThat(get(port, "/submit")).isEqualTo("ran");
    if (order != Order.SPILLWAY_ATTACHED) {
      Span submitServer = await(() -> serverSpan("/submit"), "the SERVER span of /submit");
      Span wait = await(() -> longest(spillwaySpans("dev.spillway.executor", "jvm.executor.task.wait")),
          "Spillway's queue-wait span");
      assertThat(hex(wait.getTraceId())).as("trace of the wait span").isEqualTo(hex(submitServer.getTraceId()));
      assertThat(hex(wait.getParentSpanId())).as("parent of the wait span").isEqualTo(hex(submitServer.getSpanId()));
      assertThat(attribute(wait, "jvm.executor.name")).isEqualTo("jobs");
      assertThat(longAttribute(wait, "spillway.executor.queue.size")).as("queued before it").isZero();
      assertThat(duration(wait)).as("it waited for the held worker")
          .isGreaterThanOrEqualTo(TracedServerApp.HOLD_MILLIS / 2 * 1_000_000L);
    }

    // Rejections are events on the request's span; a flood of them adds a bounded few.
    assertThat(get(port, "/reject?n=1")).isEqualTo("rejected 1");
    Span rejectServer = await(() -> serverSpan("/reject"), "the SERVER span of /reject");
    assertThat(rejectServer.getEventsList()).hasSize(1);
    Span.Event event = rejectServer.getEvents(0);
    assertThat(event.getName()).isEqualTo("jvm.executor.task.rejected");
    assertThat(attribute(event.getAttributesList(), "jvm.executor.name")).isEqualTo("tiny");
    assertThat(attribute(event.getAttributesList(), "jvm.executor.rejection.reason")).isEqualTo("saturated");
    assertThat(attribute(event.getAttributesList(), "jvm.executor.rejection.policy")).isEqualTo("abort");
    assertThat(get(port, "/reject?n=5000")).isEqualTo("rejected 5000");
    Span flood = await(() -> first(span -> span.getKind() == Span.SpanKind.SPAN_KIND_SERVER
        && "/reject".equals(attribute(span, "url.path")) && !span.getSpanId().equals(rejectServer.getSpanId())),
        "the SERVER span of the flood");
    // Ten a second per executor: a flood that straddles a second boundary may add twenty.
    assertThat(flood.getEventsList()).as("events of 5000 rejections").hasSizeBetween(1, 20);

    // A pool's timeout and a rule's shed are events on the request's span; the timeout on
    // Spillway's acquire span too.
    assertThat(get(port, "/timeout")).contains("request timed out after");
    Span timeoutServer = await(() -> serverSpan("/timeout"), "the SERVER span of /timeout");
    assertThat(timeoutServer.getEventsList()).extracting(Span.Event::getName)
        .containsExactly("db.client.connection.timeout");
    assertThat(attribute(timeoutServer.getEvents(0).getAttributesList(), "db.client.connection.pool.name"))
        .isEqualTo("short-db");
    Span timedOut = await(() -> first(span -> span.getName().equals("db.client.connection.acquire")
        && span.getParentSpanId().equals(timeoutServer.getSpanId())), "the acquire span of /timeout");
    assertThat(attribute(timedOut, "spillway.pool.acquire.outcome")).isEqualTo("timeout");
    assertThat(timedOut.getEventsList()).extracting(Span.Event::getName).containsExactly("db.client.connection.timeout");
    assertThat(get(port, "/shed")).startsWith("shed by Spillway rule 'short-db-backlog'");
    Span shedServer = await(() -> serverSpan("/shed"), "the SERVER span of /shed");
    assertThat(shedServer.getEventsList()).extracting(Span.Event::getName).containsExactly("spillway.shed");
    assertThat(attribute(shedServer.getEvents(0).getAttributesList(), "spillway.rule")).isEqualTo("short-db-backlog");
    assertThat(attribute(shedServer.getEvents(0).getAttributesList(), "spillway.target.kind")).isEqualTo("pool");
    assertThat(attribute(shedServer.getEvents(0).getAttributesList(), "spillway.target.name")).isEqualTo("short-db");

    // Both agents export: Spillway's executor metrics and the OpenTelemetry agent's server metrics.
    awaitTrue(() -> receiver.metrics().names().contains("jvm.executor.queue.size")
        && receiver.metrics().allNames().contains("io.opentelemetry.java-http-server http.server.request.duration"),
        "metrics of both agents");

    // Ten more metric exports (two seconds at least, every one of them Spillway's or the agent's):
    // had any of Spillway's exports been traced, the agent's CLIENT span would be in by then.
    int exports = receiver.metricExports();
    awaitTrue(() -> receiver.metricExports() >= exports + 10, "ten more metric exports");
    assertThat(clientSpans()).as("CLIENT spans of the application (Spillway's exports must not be)").isEmpty();
    assertThat(receiver.metrics().allNames()).as("the application made no HTTP client request")
        .noneMatch(name -> name.endsWith(" http.client.request.duration"));

    if (order != Order.SPILLWAY_ATTACHED) {
      assertThat(app.stderr()).as("Spillway rewrote the worker whatever the other agent added to it")
          .anyMatch(line -> line.startsWith("[spillway] DEBUG instrumented java.util.concurrent.ThreadPoolExecutor$Worker"));
    }
    assertThat(app.agentProblems()).as("Spillway's warnings").isEmpty();
    assertThat(otelAgentProblems()).as("the OpenTelemetry agent's warnings").isEmpty();
  }

  /** Starts the application as {@code order} says; returns its HTTP port. */
  int start(Order order) throws Exception {
    Path rules = Files.createTempFile("otel-agent-it-rules", ".yaml");
    rules.toFile().deleteOnExit();
    Files.writeString(rules, String.join("\n", "rules:", "  - name: short-db-backlog", "    target: pool",
        "    match: short-db", "    when:", "      pending: \">= 1\"", ""));
    String args = "log.level=debug,rules=" + rules;
    AgentJvm.Builder builder = AgentJvm.builder(TracedServerApp.class).exportTo(receiver)
        .property("otel.logs.exporter", "none")
        .property("otel.metric.export.interval", "200");
    Libraries.pool("common", "").forEach(builder::classpath);
    Libraries.pool("hikari6", "").forEach(builder::classpath);
    String otelAgent = "-javaagent:" + OTEL_AGENT.toAbsolutePath();
    switch (order) {
      case OTEL_AGENT_FIRST:
        builder.jvmArg(otelAgent).agentArgs(args);
        break;
      case SPILLWAY_FIRST:
        builder.jvmArgAfterAgent(otelAgent).agentArgs(args);
        break;
      default:
        builder.jvmArg(otelAgent).withoutAgent().jvmArg("-XX:+EnableDynamicAgentLoading");
        break;
    }
    app = builder.start();
    int port = Integer.parseInt(app.awaitOutput(line -> line.startsWith("listening "), Duration.ofSeconds(60))
        .substring("listening ".length()));
    if (order == Order.SPILLWAY_ATTACHED) {
      Cli.Result attach = Cli.run("attach", Long.toString(app.pid()), args);
      assertThat(attach.exitCode).as("%s", attach).isZero();
    } else {
      app.awaitAgentStarted();
    }
    return port;
  }

  String get(int port, String path) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  Span serverSpan(String path) {
    return serverSpan(receiver, path);
  }

  /** The first SERVER span (the OpenTelemetry agent's) of a request to {@code path}, or null. */
  static Span serverSpan(OtlpReceiver receiver, String path) {
    return first(receiver,
        span -> span.getKind() == Span.SpanKind.SPAN_KIND_SERVER && path.equals(attribute(span, "url.path")));
  }

  List<Span> spillwaySpans(String scope, String name) {
    return spans(receiver, scope, name);
  }

  static List<Span> spans(OtlpReceiver receiver, String scope, String name) {
    List<Span> found = new ArrayList<>();
    for (ResourceSpans resource : receiver.spans()) {
      for (ScopeSpans scopeSpans : resource.getScopeSpansList()) {
        if (scopeSpans.getScope().getName().equals(scope)) {
          for (Span span : scopeSpans.getSpansList()) {
            if (span.getName().equals(name)) {
              found.add(span);
            }
          }
        }
      }
    }
    return found;
  }

  static Span longest(List<Span> spans) {
    Span longest = null;
    for (Span span : spans) {
      if (longest == null || duration(span) > duration(longest)) {
        longest = span;
      }
    }
    return longest;
  }

  static long duration(Span span) {
    return span.getEndTimeUnixNano() - span.getStartTimeUnixNano();
  }

  List<String> clientSpans() {
    List<String> found = new ArrayList<>();
    for (ResourceSpans resource : receiver.spans()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          if (span.getKind() == Span.SpanKind.SPAN_KIND_CLIENT) {
            found.add(scope.getScope().getName() + " " + span.getName() + " " + attribute(span, "url.full"));
          }
        }
      }
    }
    return found;
  }

  Span first(Predicate<Span> test) {
    return first(receiver, test);
  }

  static Span first(OtlpReceiver receiver, Predicate<Span> test) {
    for (ResourceSpans resource : receiver.spans()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          if (test.test(span)) {
            return span;
          }
        }
      }
    }
    return null;
  }

  /** Lines of the OpenTelemetry agent's own log at WARN or ERROR. */
  List<String> otelAgentProblems() {
    return otelAgentProblems(app);
  }

  /** Lines of the OpenTelemetry agent's own log at WARN or ERROR, in {@code app}'s output. */
  static List<String> otelAgentProblems(AgentJvm app) {
    List<String> all = new ArrayList<>(app.stderr());
    all.addAll(app.stdout());
    return all.stream().filter(line -> line.startsWith("[otel.javaagent")
        && (line.contains("] WARN ") || line.contains("] ERROR "))).collect(Collectors.toList());
  }

  <T> T await(Supplier<T> lookup, String what) {
    return awaitFound(lookup, () -> "no " + what + " within 30 s; spans: " + summary() + "; metrics: "
        + receiver.metrics().allNames() + "\n" + app);
  }

  /** What {@code lookup} finds (not null), within 30 s; else fails, saying {@code failure}. */
  static <T> T awaitFound(Supplier<T> lookup, Supplier<String> failure) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      T found = lookup.get();
      if (found != null) {
        return found;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(failure.get());
      }
      pause();
    }
  }

  void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
    await(() -> condition.getAsBoolean() ? Boolean.TRUE : null, what);
  }

  String summary() {
    List<String> all = new ArrayList<>();
    for (ResourceSpans resource : receiver.spans()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          all.add(scope.getScope().getName() + ":" + span.getName() + ":" + span.getKind()
              + ":" + hex(span.getTraceId()) + "/" + hex(span.getSpanId()) + "<" + hex(span.getParentSpanId()));
        }
      }
    }
    return all.toString();
  }

  static void pause() {
    try {
      Thread.sleep(50);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static String attribute(Span span, String key) {
    return attribute(span.getAttributesList(), key);
  }

  static long longAttribute(Span span, String key) {
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getIntValue();
      }
    }
    throw new AssertionError("no attribute " + key + " on " + span);
  }

  static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }

  static String hex(com.google.protobuf.ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
