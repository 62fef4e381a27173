package dev.spillway.it.httpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.AcquireSpans;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract an Apache HttpClient connection pool meets, measured exactly over real OTLP: a pool
 * of {@link #SIZE} connections to a real HTTP server in the application, all held by requests the
 * server answers only when told; {@link #BORROWERS} requests that must wait for a connection, each
 * inside a span of the application's own OpenTelemetry SDK; one more refused at once by a
 * {@code pending} rule, with the client's own timeout exception; two held requests answered, so
 * two waiting ones are served and the others time out; then everything released. One subclass per
 * client and version, each with only that client's jars on the application's class path.
 */
abstract class AbstractHttpClientPoolIT {

  static final int SIZE = 3;
  static final int BORROWERS = 4;
  static final int SERVED = 2;
  static final int TIMEOUT_MILLIS = 4000;
  static final String RULE = "too-many-waiting";
  static final String POOL_NAME = "http.client.connection.pool.name";
  static final String STATE = "http.connection.state";

  OtlpReceiver receiver;

  /** {@code httpClient5} or {@code httpClient4}: which factory the application uses. */
  abstract String client();

  /** The folder under {@code target/pool-libs} with the client's jars. */
  abstract String libraryJars();

  /** The client's own exception for "no connection in time". */
  abstract String timeoutException();

  /** The application class that first used the pool: the pool's name. */
  String expectedName() {
    return HttpClientScenario.factoryName(client());
  }

  Path javaHome() {
    return Path.of(System.getProperty("java.home"));
  }

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  AgentJvm.Builder application() {
    return HttpClientScenario.application(client(), libraryJars(), SIZE, TIMEOUT_MILLIS).javaHome(javaHome());
  }

  @Test
  void reportsTheSameTruthAsAJdbcPool(@TempDir Path dir) throws IOException {
    String name = expectedName();
    Path rules = HttpClientScenario.pendingRule(dir, RULE, name, BORROWERS);
    try (AgentJvm app = application().exportTo(receiver).property("spillway.rules", rules.toString()).start()) {
      app.awaitAgentStarted();
      HttpClientScenario.holdAllAndWait(app, SIZE, BORROWERS);
      Map<String, String> borrowerSpans = new LinkedHashMap<>();
      for (int i = 0; i < BORROWERS; i++) {
        String[] line = app.awaitOutput("BORROWER " + (i + 1) + " ").split(" ");
        borrowerSpans.put(line[2], line[3]);
      }

      // Every connection in use, every borrower waiting (the first export of a loaded machine may be late).
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("http.client.connection.pending_requests", POOL_NAME, name)).hasValue(BORROWERS);
        assertThat(m.latest("http.client.open_connections", POOL_NAME, name, STATE, "active")).hasValue(SIZE);
        assertThat(m.latest("http.client.open_connections", POOL_NAME, name, STATE, "idle")).hasValue(0);
        assertThat(m.latest("http.client.connection.max", POOL_NAME, name)).hasValue(SIZE);
        assertThat(m.latest("http.client.connection.max_per_route", POOL_NAME, name)).hasValue(SIZE);
      });
      MetricsView m = receiver.metrics();
      assertThat(m.metric("http.client.open_connections").orElseThrow().getUnit()).isEqualTo("{connection}");
      assertThat(m.metric("http.client.connection.pending_requests").orElseThrow().getUnit()).isEqualTo("{request}");
      // The only HTTP pool; no JDBC series for it.
      assertThat(m.attributeValues("http.client.connection.max", POOL_NAME)).containsExactly(name);
      assertThat(m.metric("db.client.connection.max")).isEmpty();

      // One more request, with that many already waiting: refused at once, as the client's own timeout.
      String[] tried = app.ask("try", "TRY").split(" ", 4);
      assertThat(tried[1]).isEqualTo(timeoutException());
      assertThat(tried[3]).isEqualTo("shed by Spillway rule '" + RULE + "' (pending >= " + BORROWERS
          + ") on pool '" + name + "'");
      assertThat(Long.parseLong(tried[2])).isLessThan(TIMEOUT_MILLIS / 10);

      // The command line sees the same state.
      assertThat(Cli.statusRow(app.pid(), "pool", name)).contains("\"depth\": " + BORROWERS,
          "\"active\": " + SIZE, "\"max\": " + SIZE, "\"rejected\": 1", "\"shed\": 1");

      // Two held requests answered, one at a time: each connection goes to a waiting borrower; the
      // others time out with the client's own exception.
      for (int i = 0; i < SERVED; i++) {
        int mark = app.outputMark();
        app.send("release 1");
        app.awaitOutputAfter(mark, line -> line.startsWith("GOT "), Duration.ofMillis(TIMEOUT_MILLIS));
      }
      await().atMost(Duration.ofSeconds(TIMEOUT_MILLIS / 1000 + 10)).untilAsserted(() ->
          assertThat(app.stdout().stream().filter(line -> line.startsWith("FAILED "))).hasSize(BORROWERS - SERVED));
      assertThat(app.stdout().stream().filter(line -> line.startsWith("FAILED ")))
          .allMatch(line -> line.endsWith(" " + timeoutException()));
      assertThat(app.stdout().stream().filter(line -> line.startsWith("GOT "))).hasSize(SERVED);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        MetricsView now = receiver.metrics();
        assertThat(now.latest("http.client.connection.timeouts", POOL_NAME, name)).hasValue(BORROWERS - SERVED);
        assertThat(now.latest("http.client.connection.pending_requests", POOL_NAME, name)).hasValue(0);
        assertThat(now.latest("spillway.shed", "spillway.rule.name", RULE, "spillway.target.kind", "pool",
            "spillway.target.name", name)).hasValue(1);
        assertThat(now.latest("spillway.pool.shed", POOL_NAME, name)).hasValue(1);
      });

      // Everything answered: the warm-up, the held requests and the served borrowers each got a
      // connection once; none is in use, all three are idle in the pool.
      assertThat(app.ask("release-all", "RELEASED")).isEqualTo("RELEASED all");
      int acquired = 1 + SIZE + SERVED;
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        MetricsView now = receiver.metrics();
        assertThat(now.latestHistogram("http.client.connection.wait_time", POOL_NAME, name)
            .map(HistogramDataPoint::getCount).orElse(-1L)).isEqualTo(acquired);
        assertThat(now.latest("http.client.open_connections", POOL_NAME, name, STATE, "active")).hasValue(0);
        assertThat(now.latest("http.client.open_connections", POOL_NAME, name, STATE, "idle")).hasValue(SIZE);
      });
      HistogramDataPoint wait = receiver.metrics()
          .latestHistogram("http.client.connection.wait_time", POOL_NAME, name).orElseThrow();
      assertThat(wait.getMax()).as("the served borrowers waited until a release").isGreaterThan(0.1);

      // Each borrower's wait is a span inside the borrower's own span.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(AcquireSpans.inTraces(acquireSpans(), borrowerSpans)).isEqualTo(BORROWERS));
      List<String> outcomes = AcquireSpans.outcomesUnder(acquireSpans(), borrowerSpans, POOL_NAME, name);
      assertThat(outcomes).containsExactlyInAnyOrder("ok", "ok", "timeout", "timeout");

      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
      assertThat(app.stderr()).noneMatch(line -> line.contains("NoSuchMethodError") || line.contains("VerifyError"));
    }
  }

  /**
   * A client built and used before the agent, then attached to: its manager is found at its next
   * acquire (the woven class is retransformed), read exactly, and its timeouts counted from then on.
   */
  @Test
  void aPoolBuiltBeforeAnAttachIsFoundAtItsNextAcquire() {
    try (AgentJvm app = application().withoutAgent().start()) {
      app.send("go");
      app.awaitOutput("READY");
      Cli.Result attach = Cli.run("attach", Long.toString(app.pid()),
          "otel.exporter.otlp.endpoint=" + receiver.httpEndpoint(), "otel.metric.export.interval=200");
      assertThat(attach.exitCode).as("%s", attach).isZero();
      String name = expectedName();
      String port = app.ask("ports", "PORTS").split(" ")[1];
      assertThat(app.ask("hold", "HELD")).isEqualTo("HELD " + SIZE);
      app.send("wait 1");
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        // The pool's one route, with the attributes the HTTP conventions ask for.
        assertThat(m.current("http.client.open_connections")).isEqualTo(Map.of(
            AbstractHttpRoutesIT.route(name, port, "active"), (long) SIZE,
            AbstractHttpRoutesIT.route(name, port, "idle"), 0L));
        assertThat(m.latest("http.client.connection.pending_requests", POOL_NAME, name)).hasValue(1);
        assertThat(m.latest("http.client.connection.max", POOL_NAME, name)).hasValue(SIZE);
      });
      app.awaitOutputAfter(0, line -> line.startsWith("FAILED 1 "), Duration.ofSeconds(TIMEOUT_MILLIS / 1000 + 10));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(receiver.metrics()
          .latest("http.client.connection.timeouts", POOL_NAME, name)).hasValue(1));
      assertThat(app.ask("release-all", "RELEASED")).isEqualTo("RELEASED all");
      assertThat(app.agentProblems()).isEmpty();
      app.send("exit");
    }
  }

  List<Span> acquireSpans() {
    return AcquireSpans.named(receiver, "http.client.connection.acquire");
  }
}
