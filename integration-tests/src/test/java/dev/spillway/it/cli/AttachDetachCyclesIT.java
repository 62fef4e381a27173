package dev.spillway.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.CyclingTargetApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: detach leaves nothing. Ten attach/detach cycles on one busy JVM, exporting to a real
 * receiver: each detached agent, with its class loader and its 2,500 classes (about 11 MB of
 * metaspace), is collected. What remains after ten cycles is measured against the first cycle.
 *
 * <p>One or two detached agents may stay loaded, held by something outside the heap (heap dumps
 * show no path to them from any root): on JDK 25, as long as the executor's two workers, which ran
 * through every attach, keep running (they went at once when the workers ended; about 1 run in 2),
 * and on JDK 17 often the last agent. So the bounds allow one agent more than after the first
 * cycle, and 300 classes and 4 MiB of heap besides: an agent kept by every cycle fails, as does
 * anything an agent leaves in the heap.
 */
class AttachDetachCyclesIT {

  static final int CYCLES = 10;
  /** One agent's classes and metaspace (heap dumps of this test: 2,485 classes, 11.3 MB). */
  static final long AGENT_CLASSES = 2_600;
  static final long AGENT_METASPACE = 12 << 20;

  @Test
  void tenCyclesHoldNoMoreThanTheFirst() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AgentJvm app = AgentJvm.builder(CyclingTargetApp.class).withoutAgent().start()) {
      app.awaitOutput("READY");
      String pid = Long.toString(app.pid());
      cycle(pid, receiver);
      Map<String, Long> first = stats(app);
      for (int i = 1; i < CYCLES; i++) {
        cycle(pid, receiver);
      }
      // A detached agent is unreachable at once, but the last one's classes go only with a
      // collection that unloads them: ask again until they are gone (a leak never gets there).
      // The last agents' span processor threads end up to 5 s after their shutdown.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        Map<String, Long> last = stats(app);
        assertThat(last.get("classes")).as("loaded classes")
            .isLessThanOrEqualTo(first.get("classes") + AGENT_CLASSES + 300);
        assertThat(last.get("metaspace")).as("metaspace")
            .isLessThanOrEqualTo(first.get("metaspace") + AGENT_METASPACE + (4 << 20));
        assertThat(last.get("heap")).as("heap").isLessThanOrEqualTo(first.get("heap") + (4 << 20));
        System.out.println("after 1 cycle " + first + ", after " + CYCLES + " " + last);
      });
      // The application ran on throughout.
      assertThat(stats(app).get("done")).isGreaterThan(first.get("done"));
      app.send("exit");
    }
  }

  private static void cycle(String pid, OtlpReceiver receiver) {
    Cli.Result attach = Cli.run("attach", pid, "otel.exporter.otlp.endpoint=" + receiver.httpEndpoint(),
        "otel.metric.export.interval=200");
    assertThat(attach.exitCode).as("%s", attach).isZero();
    Cli.Result detach = Cli.run("detach", pid);
    assertThat(detach.exitCode).as("%s", detach).isZero();
    assertThat(detach.out).contains("detached");
  }

  private static Map<String, Long> stats(AgentJvm app) {
    Map<String, Long> values = new HashMap<>();
    for (String field : app.ask("stats", "STATS").substring("STATS ".length()).split(" ")) {
      String[] pair = field.split("=");
      values.put(pair[0], Long.parseLong(pair[1]));
    }
    return values;
  }
}
