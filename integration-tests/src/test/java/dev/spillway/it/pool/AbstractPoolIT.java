package dev.spillway.it.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.PoolApp;
import dev.spillway.it.support.AcquireSpans;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.Libraries;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.file.Files;
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
 * The contract every supported connection pool meets, measured exactly over real OTLP: a pool of
 * {@link #SIZE} connections on an in-memory H2 database, all held; {@link #BORROWERS} borrowers
 * that must wait, each inside a span of the application's own OpenTelemetry SDK; one more request
 * refused at once by a {@code pending} rule; two connections given back, so two borrowers are
 * served and the others time out; then everything released. One subclass per library and
 * version, each with only that library's jars on the application's class path.
 */
abstract class AbstractPoolIT {

  static final int SIZE = 3;
  static final int BORROWERS = 4;
  static final int SERVED = 2;
  static final int TIMEOUT_MILLIS = 4000;
  static final String RULE = "too-many-waiting";


  OtlpReceiver receiver;

  /** {@code hikari}, {@code dbcp2}, {@code tomcat} or {@code c3p0}: which factory the app uses. */
  abstract String library();

  /** The folder under {@code target/pool-libs} with the library's jars. */
  abstract String libraryJars();

  /** The JDBC URL (an H2 in-memory database). */
  abstract String jdbcUrl();

  /** The name configured on the pool, or null to leave it to the library's default. */
  abstract String configuredName();

  /** The {@code db.client.connection.pool.name} Spillway must report. */
  abstract String expectedName();

  /** Whether the library can tell idle limits; see the coverage table in the README. */
  boolean reportsIdleLimits() {
    return true;
  }

  /**
   * Connections handed out when every one is held (the first round trip, then {@link #SIZE}), as
   * status shows them where the pool counts them itself; -1 where it does not (shown as null).
   */
  long expectedCompleted() {
    return -1;
  }

  /** The JDK to run the application on. */
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

  @Test
  void reportsTheSameTruthForEveryPool(@TempDir Path dir) throws IOException {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, String.join("\n",
        "rules:",
        "  - name: " + RULE,
        "    target: pool",
        "    match: \"" + expectedName() + "\"",
        "    when:",
        "      pending: \">= " + BORROWERS + "\"",
        ""));
    AgentJvm.Builder builder = AgentJvm.builder(PoolApp.class).javaHome(javaHome()).exportTo(receiver)
        .property("spillway.rules", rules.toString())
        .args(library(), jdbcUrl(), Integer.toString(SIZE), Integer.toString(TIMEOUT_MILLIS),
            configuredName() == null ? "-" : configuredName());
    Libraries.poolApplication(libraryJars()).forEach(builder::classpath);
    String name = expectedName();

    try (AgentJvm app = builder.start()) {
      app.awaitAgentStarted();
      app.send("go");
      app.awaitOutput("READY");
      assertThat(app.ask("hold", "HELD")).isEqualTo("HELD " + SIZE);
      app.send("wait " + BORROWERS);
      Map<String, String> borrowerSpans = new LinkedHashMap<>();
      for (int i = 0; i < BORROWERS; i++) {
        int n = i + 1;
        String[] line = app.awaitOutput("BORROWER " + n + " ").split(" ");
        borrowerSpans.put(line[2], line[3]);
      }

      // Every connection used, every borrower waiting.
      await().atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("db.client.connection.pending_requests", "db.client.connection.pool.name", name))
            .hasValue(BORROWERS);
        assertThat(m.latest("db.client.connection.count", "db.client.connection.pool.name", name,
            "db.client.connection.state", "used")).hasValue(SIZE);
        assertThat(m.latest("db.client.connection.count", "db.client.connection.pool.name", name,
            "db.client.connection.state", "idle")).hasValue(0);
      });
      MetricsView m = receiver.metrics();
      assertThat(m.latest("db.client.connection.max", "db.client.connection.pool.name", name)).hasValue(SIZE);
      assertThat(m.metric("db.client.connection.count").orElseThrow().getUnit()).isEqualTo("{connection}");
      assertThat(m.metric("db.client.connection.pending_requests").orElseThrow().getUnit()).isEqualTo("{request}");
      if (reportsIdleLimits()) {
        assertThat(m.latest("db.client.connection.idle.max", "db.client.connection.pool.name", name)).isPresent();
        assertThat(m.latest("db.client.connection.idle.min", "db.client.connection.pool.name", name)).isPresent();
      }
      // The only pool, named as configured or from its URL.
      assertThat(m.attributeValues("db.client.connection.max", "db.client.connection.pool.name"))
          .containsExactly(name);

      // One more request, with that many already waiting: refused at once by the rule.
      String tried = app.ask("try", "TRY");
      String[] fields = tried.split(" ", 4);
      assertThat(fields[1]).isEqualTo("java.sql.SQLTransientConnectionException");
      assertThat(fields[3]).isEqualTo("shed by Spillway rule '" + RULE + "' (pending >= " + BORROWERS
          + ") on pool '" + name + "'");
      assertThat(Long.parseLong(fields[2])).isLessThan(TIMEOUT_MILLIS / 10);

      // The command line sees the same state, read from the pool's own getters.
      assertThat(Cli.statusRow(app.pid(), "pool", name)).contains("\"depth\": " + BORROWERS,
          "\"active\": " + SIZE, "\"max\": " + SIZE, "\"rejected\": 1", "\"shed\": 1",
          "\"completed\": " + (expectedCompleted() < 0 ? "null" : Long.toString(expectedCompleted())));

      // Two connections back, one at a time (Agroal 2.5 can miss the wake-up of a waiter when two
      // come back at once): each goes to a waiting borrower; the others time out.
      for (int i = 0; i < SERVED; i++) {
        int mark = app.outputMark();
        app.send("release 1");
        app.awaitOutputAfter(mark, line -> line.startsWith("GOT "), Duration.ofMillis(TIMEOUT_MILLIS));
      }
      await().atMost(Duration.ofSeconds(TIMEOUT_MILLIS / 1000 + 10)).untilAsserted(() ->
          assertThat(app.stdout().stream().filter(line -> line.startsWith("FAILED "))).hasSize(BORROWERS - SERVED));
      assertThat(app.stdout().stream().filter(line -> line.startsWith("GOT "))).hasSize(SERVED);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        MetricsView now = receiver.metrics();
        assertThat(now.latest("db.client.connection.timeouts", "db.client.connection.pool.name", name))
            .hasValue(BORROWERS - SERVED);
        assertThat(now.latest("db.client.connection.pending_requests", "db.client.connection.pool.name", name))
            .hasValue(0);
        assertThat(now.latest("spillway.shed", "spillway.rule.name", RULE, "spillway.target.kind", "pool",
            "spillway.target.name", name)).hasValue(1);
        assertThat(now.latest("spillway.pool.shed", "db.client.connection.pool.name", name)).hasValue(1);
      });

      // Everything back: the warm-up, the held connections and the served borrowers each waited
      // once and were used once; the pool made SIZE connections.
      assertThat(app.ask("release-all", "RELEASED")).isEqualTo("RELEASED all");
      int acquired = 1 + SIZE + SERVED;
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        MetricsView now = receiver.metrics();
        assertThat(histogramCount(now, "db.client.connection.wait_time", name)).isEqualTo(acquired);
        assertThat(histogramCount(now, "db.client.connection.use_time", name)).isEqualTo(acquired);
        assertThat(histogramCount(now, "db.client.connection.create_time", name)).isEqualTo(SIZE);
        assertThat(now.latest("db.client.connection.count", "db.client.connection.pool.name", name,
            "db.client.connection.state", "used")).hasValue(0);
      });
      HistogramDataPoint wait = receiver.metrics()
          .latestHistogram("db.client.connection.wait_time", "db.client.connection.pool.name", name).orElseThrow();
      // The served borrowers waited at least until the release.
      assertThat(wait.getMax()).isGreaterThan(0.1);
      assertThat(receiver.metrics().metric("db.client.connection.wait_time").orElseThrow().getUnit()).isEqualTo("s");

      // Each borrower's wait is a span inside the borrower's own (application) span.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(AcquireSpans.inTraces(acquireSpans(), borrowerSpans)).isEqualTo(BORROWERS));
      List<String> outcomes = AcquireSpans.outcomesUnder(acquireSpans(), borrowerSpans,
          "db.client.connection.pool.name", name);
      assertThat(outcomes).containsExactlyInAnyOrder("ok", "ok", "timeout", "timeout");

      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
      assertThat(app.stderr()).noneMatch(line -> line.contains("NoSuchMethodError") || line.contains("VerifyError"));
    }
  }

  List<Span> acquireSpans() {
    return AcquireSpans.named(receiver, "db.client.connection.acquire");
  }

  private static long histogramCount(MetricsView view, String metric, String name) {
    return view.latestHistogram(metric, "db.client.connection.pool.name", name)
        .map(HistogramDataPoint::getCount).orElse(-1L);
  }
}
