package dev.spillway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills a test server's worker pool with {@code GET /slow} requests, which its application holds
 * (printing {@code IN_SLOW <n>} on entry) until the test sends {@code release <n>}.
 */
final class SlowRequests {

  private SlowRequests() {}

  /**
   * Holds {@code threads} workers, one request at a time (a server may hand even an idle thread its
   * task through the queue, so two sent together may meet a queue of one, which a shedding test's
   * rule refuses), then queues {@code queued} more, and waits until the pool's series shows them.
   */
  static List<HttpProbe> fill(AgentJvm app, OtlpReceiver receiver, int port, String name, int threads, int queued)
      throws Exception {
    List<HttpProbe> held = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      int mark = app.outputMark();
      held.add(HttpProbe.send(port, "/slow"));
      app.awaitOutputAfter(mark, line -> line.startsWith("IN_SLOW"), Duration.ofSeconds(10));
    }
    for (int i = 0; i < queued; i++) {
      held.add(HttpProbe.send(port, "/slow"));
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(receiver.metrics().latest(
        "jvm.executor.queue.size", "jvm.executor.name", name)).hasValue(queued));
    return held;
  }
}
