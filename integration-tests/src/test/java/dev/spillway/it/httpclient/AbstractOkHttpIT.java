package dev.spillway.it.httpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OkHttp's dispatcher and connection pool, read exactly over real OTLP: a dispatcher of
 * {@link #SIZE} slots all held by calls the application's real HTTP server answers only when told,
 * {@link #QUEUED} more calls waiting in the dispatcher, one connection per running call; then
 * everything answered. One subclass per OkHttp version.
 */
abstract class AbstractOkHttpIT {

  static final int SIZE = 3;
  static final int QUEUED = 4;
  static final String POOL_NAME = AbstractHttpClientPoolIT.POOL_NAME;
  static final String STATE = AbstractHttpClientPoolIT.STATE;
  /** The application class that first used both (the first, blocking round trip). */
  static final String USER = "dev.spillway.it.apps.httpclients.OkHttpFactory";
  static final String DISPATCHER = USER + ".dispatcher";
  static final String RULE = "okhttp-backlog";
  static final String SHED_MESSAGE = "shed by Spillway rule '" + RULE + "' (pending >= " + QUEUED + ") on pool '"
      + DISPATCHER + "'";

  OtlpReceiver receiver;

  abstract String libraryJars();

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void reportsTheDispatcherQueueAndTheConnections() {
    try (AgentJvm app = HttpClientScenario.application("okHttp", libraryJars(), SIZE, 60_000)
        .exportTo(receiver).start()) {
      app.awaitAgentStarted();
      HttpClientScenario.holdAllAndWait(app, SIZE, QUEUED);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("http.client.active_requests", POOL_NAME, DISPATCHER)).hasValue(SIZE);
        assertThat(m.latest("http.client.queued_requests", POOL_NAME, DISPATCHER)).hasValue(QUEUED);
        assertThat(m.latest("http.client.request.limit", POOL_NAME, DISPATCHER)).hasValue(SIZE);
        assertThat(m.latest("http.client.request.limit_per_host", POOL_NAME, DISPATCHER)).hasValue(SIZE);
        assertThat(m.latest("http.client.open_connections", POOL_NAME, USER, STATE, "active")).hasValue(SIZE);
        assertThat(m.latest("http.client.open_connections", POOL_NAME, USER, STATE, "idle")).hasValue(0);
        assertThat(m.latest("http.client.connection.idle.max", POOL_NAME, USER)).hasValue(SIZE);
      });
      MetricsView m = receiver.metrics();
      // The dispatcher has no connections, the pool no request slots, and OkHttp no connection limit.
      assertThat(m.latest("http.client.open_connections", POOL_NAME, DISPATCHER, STATE, "active")).isEmpty();
      assertThat(m.latest("http.client.active_requests", POOL_NAME, USER)).isEmpty();
      assertThat(m.latest("http.client.connection.max", POOL_NAME, USER)).isEmpty();
      assertThat(m.attributeValues("http.client.open_connections", POOL_NAME)).containsExactly(USER);
      assertThat(m.metric("http.client.active_requests").orElseThrow().getUnit()).isEqualTo("{request}");

      // The command line shows the dispatcher as a queue: its queued calls, running calls and limit.
      assertThat(Cli.statusRow(app.pid(), "pool", DISPATCHER))
          .contains("\"depth\": " + QUEUED, "\"active\": " + SIZE, "\"max\": " + SIZE);

      HttpClientScenario.releaseAll(app, QUEUED);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        MetricsView now = receiver.metrics();
        // No call running: no route has a row (see AbstractHttpRoutesIT for the rows by route).
        assertThat(now.current("http.client.active_requests")).isEmpty();
        assertThat(now.latest("http.client.queued_requests", POOL_NAME, DISPATCHER)).hasValue(0);
        assertThat(now.latest("http.client.open_connections", POOL_NAME, USER, STATE, "active")).hasValue(0);
        assertThat(now.latest("http.client.open_connections", POOL_NAME, USER, STATE, "idle")).hasValue(SIZE);
      });
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }

  /**
   * The dispatcher slot is OkHttp's acquire: an enqueued call's wait for one is timed, and a
   * {@code pending} rule refuses a call at {@code enqueue} the way OkHttp fails a call its executor
   * refuses: {@code onFailure} with an {@code InterruptedIOException}, at once.
   */
  @Test
  void timesAndShedsTheWaitForADispatcherSlot(@TempDir Path dir) throws IOException {
    Path rules = HttpClientScenario.pendingRule(dir, RULE, DISPATCHER, QUEUED);
    try (AgentJvm app = HttpClientScenario.application("okHttp", libraryJars(), SIZE, 60_000)
        .exportTo(receiver).property("spillway.rules", rules.toString()).start()) {
      app.awaitAgentStarted();
      HttpClientScenario.holdAllAndWait(app, SIZE, QUEUED);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
          assertThat(receiver.metrics().latest("http.client.queued_requests", POOL_NAME, DISPATCHER)).hasValue(QUEUED));
      // Every queued call was enqueued by now, and none gets a slot before the release below.
      long allQueued = System.nanoTime();

      int mark = app.outputMark();
      String[] tried = app.ask("try", "TRY ").split(" ", 4);
      assertThat(tried[1]).isEqualTo("java.io.InterruptedIOException");
      assertThat(tried[3]).isEqualTo(SHED_MESSAGE);
      assertThat(Long.parseLong(tried[2])).isLessThan(1000);
      assertThat(app.awaitOutputAfter(mark, line -> line.startsWith("TRY-CAUSE "), Duration.ofSeconds(5)))
          .isEqualTo("TRY-CAUSE java.util.concurrent.RejectedExecutionException " + SHED_MESSAGE);

      // Every call answered: the held calls took their slots at once, the queued ones when a slot
      // came free; the refused call never had one, the first (blocking) call takes none.
      double queuedAtLeast = (System.nanoTime() - allQueued) / 1e9;
      HttpClientScenario.releaseAll(app, QUEUED);
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latestHistogram("http.client.request.wait_time", POOL_NAME, DISPATCHER)
            .map(HistogramDataPoint::getCount).orElse(-1L)).isEqualTo(SIZE + QUEUED);
        assertThat(m.latest("spillway.pool.shed", POOL_NAME, DISPATCHER)).hasValue(1);
        assertThat(m.latest("spillway.shed", "spillway.rule.name", RULE, "spillway.target.kind", "pool",
            "spillway.target.name", DISPATCHER)).hasValue(1);
        assertThat(m.latest("http.client.queued_requests", POOL_NAME, DISPATCHER)).hasValue(0);
      });
      MetricsView m = receiver.metrics();
      HistogramDataPoint wait = m.latestHistogram("http.client.request.wait_time", POOL_NAME, DISPATCHER).orElseThrow();
      assertThat(wait.getMax()).as("the queued calls waited until a release").isGreaterThanOrEqualTo(queuedAtLeast);
      // Given its slot inside its own enqueue, a call waited 0 by construction: recorded so, unclocked.
      assertThat(wait.getMin()).as("the held calls found a free slot").isZero();
      // No acquire timeout in OkHttp's dispatcher: none reported; its slots are not connections.
      assertThat(m.latest("http.client.connection.timeouts", POOL_NAME, DISPATCHER)).isEmpty();
      assertThat(m.metric("http.client.connection.wait_time")).isEmpty();
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
