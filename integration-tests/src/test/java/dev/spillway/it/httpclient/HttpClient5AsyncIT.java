package dev.spillway.it.httpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.AcquireSpans;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache HttpClient 5.5's async connection manager, over real OTLP: read exactly from its own
 * statistics (held connections, leases waiting for one, limits); its leases, which the pool
 * completes later on an I/O thread, timed from the lease to the hand-over, their connection-request
 * timeouts counted, and one refused at once by a {@code pending} rule, failing the way the pool
 * fails a lease that timed out.
 */
class HttpClient5AsyncIT {

  static final int SIZE = 3;
  static final int WAITING = 4;
  static final int SERVED = 2;
  static final int TIMEOUT_MILLIS = 4000;
  static final String RULE = "async-backlog";
  static final String POOL_NAME = AbstractHttpClientPoolIT.POOL_NAME;
  static final String STATE = AbstractHttpClientPoolIT.STATE;
  static final String NAME = "dev.spillway.it.apps.httpclients.HttpClient5AsyncFactory";
  static final String DEADLINE_TIMEOUT = "org.apache.hc.core5.util.DeadlineTimeoutException";

  OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void timesCountsAndShedsTheAsyncLeases(@TempDir Path dir) throws IOException {
    Path rules = HttpClientScenario.pendingRule(dir, RULE, NAME, WAITING);
    try (AgentJvm app = HttpClientScenario.application("httpClient5Async", "httpclient55", SIZE, TIMEOUT_MILLIS)
        .exportTo(receiver).property("spillway.rules", rules.toString()).start()) {
      app.awaitAgentStarted();
      HttpClientScenario.holdAllAndWait(app, SIZE, WAITING);
      long deadlines = System.currentTimeMillis() + TIMEOUT_MILLIS;
      await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("http.client.open_connections", POOL_NAME, NAME, STATE, "active")).hasValue(SIZE);
        assertThat(m.latest("http.client.open_connections", POOL_NAME, NAME, STATE, "idle")).hasValue(0);
        assertThat(m.latest("http.client.connection.pending_requests", POOL_NAME, NAME)).hasValue(WAITING);
        assertThat(m.latest("http.client.connection.max", POOL_NAME, NAME)).hasValue(SIZE);
        assertThat(m.latest("http.client.connection.max_per_route", POOL_NAME, NAME)).hasValue(SIZE);
        // Leases are seen now: timeouts are counted, none yet.
        assertThat(m.latest("http.client.connection.timeouts", POOL_NAME, NAME)).hasValue(0);
      });

      // One more request, with that many leases waiting: its lease fails at once, as one that timed out.
      int mark = app.outputMark();
      String[] tried = app.ask("try", "TRY ").split(" ", 4);
      assertThat(tried[1]).isEqualTo(DEADLINE_TIMEOUT);
      assertThat(Long.parseLong(tried[2])).isLessThan(TIMEOUT_MILLIS / 10);
      String cause = app.awaitOutputAfter(mark, line -> line.startsWith("TRY-CAUSE "), Duration.ofSeconds(5));
      assertThat(cause).isEqualTo("TRY-CAUSE java.util.concurrent.RejectedExecutionException shed by Spillway rule '"
          + RULE + "' (pending >= " + WAITING + ") on pool '" + NAME + "'");

      // Two held requests answered, one at a time: each connection goes to a waiting lease.
      for (int i = 0; i < SERVED; i++) {
        int before = app.outputMark();
        app.send("release 1");
        app.awaitOutputAfter(before, line -> line.startsWith("GOT "), Duration.ofMillis(TIMEOUT_MILLIS));
      }
      // The other two reach their deadline. The pool has no timer: it fails them at its next lease
      // or release, here one more held request answered once their deadline is past (a second of margin).
      await().atMost(Duration.ofMillis(TIMEOUT_MILLIS + 5000)).pollInterval(Duration.ofMillis(100))
          .until(() -> System.currentTimeMillis() > deadlines + 1000);
      assertThat(app.ask("release 1", "RELEASED")).isEqualTo("RELEASED 1");
      await().atMost(Duration.ofSeconds(TIMEOUT_MILLIS / 1000 + 10)).untilAsserted(() ->
          assertThat(app.stdout().stream().filter(line -> line.startsWith("FAILED "))).hasSize(WAITING - SERVED));
      assertThat(app.stdout().stream().filter(line -> line.startsWith("FAILED ")))
          .allMatch(line -> line.endsWith(" " + DEADLINE_TIMEOUT));
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        MetricsView now = receiver.metrics();
        assertThat(now.latest("http.client.connection.timeouts", POOL_NAME, NAME)).hasValue(WAITING - SERVED);
        assertThat(now.latest("http.client.connection.pending_requests", POOL_NAME, NAME)).hasValue(0);
        assertThat(now.latest("spillway.pool.shed", POOL_NAME, NAME)).hasValue(1);
        assertThat(now.latest("spillway.shed", "spillway.rule.name", RULE, "spillway.target.kind", "pool",
            "spillway.target.name", NAME)).hasValue(1);
      });

      // Every lease that got a connection is timed: the warm-up, the held requests and the served ones.
      HttpClientScenario.releaseAll(app, SERVED);
      int acquired = 1 + SIZE + SERVED;
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        MetricsView now = receiver.metrics();
        assertThat(now.latestHistogram("http.client.connection.wait_time", POOL_NAME, NAME)
            .map(HistogramDataPoint::getCount).orElse(-1L)).isEqualTo(acquired);
        assertThat(now.latest("http.client.open_connections", POOL_NAME, NAME, STATE, "active")).hasValue(0);
        assertThat(now.latest("http.client.open_connections", POOL_NAME, NAME, STATE, "idle")).hasValue(SIZE);
      });
      HistogramDataPoint wait = receiver.metrics()
          .latestHistogram("http.client.connection.wait_time", POOL_NAME, NAME).orElseThrow();
      assertThat(wait.getMax()).as("the served leases waited until a release").isGreaterThan(0.1);
      assertThat(wait.getMin()).as("the leases that found a free connection").isLessThan(0.01);
      // The slow leases (served after a wait, timed out) each made a span; they ended on an I/O
      // thread, whose current span is not the requester's, so they are roots.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        List<Span> spans = AcquireSpans.named(receiver, "http.client.connection.acquire");
        assertThat(spans).extracting(span -> AcquireSpans.attribute(span, "spillway.pool.acquire.outcome"))
            .containsExactlyInAnyOrder("ok", "ok", "timeout", "timeout");
        assertThat(spans).allMatch(span -> span.getParentSpanId().isEmpty()
            && NAME.equals(AcquireSpans.attribute(span, POOL_NAME)));
      });
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
