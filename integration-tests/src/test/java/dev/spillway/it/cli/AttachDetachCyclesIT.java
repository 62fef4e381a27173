package dev.spillway.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.CyclingTargetApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 14: detach leaves nothing. Ten attach/detach cycles on one busy JVM, exporting to a real
 * receiver; each agent is about 2,230 classes and 11 MB of metaspace.
 *
 * <p>While the application's executor and its load thread, which ran through every attach, keep
 * running, one or two detached agents may stay loaded, held outside the heap (heap dumps show no
 * path to them; most likely code compiled for those threads while they were attached); so at
 * that point the bound is two agents more than right after the first cycle (three in all), which
 * an agent kept by every cycle (ten) exceeds. Once those threads have been replaced, nothing of
 * any agent should remain: no agent class loader alive, and what the JVM holds back within the
 * JDK classes that attaching loads (1,150 to 1,530 after ten cycles) of what it held before the
 * first attach. On JDK 25, one or two sometimes stayed even then, held by the new workers'
 * compiled loop, which the agent's export thread had profiled (see README Limits); the test
 * allows three (a leak of every cycle keeps ten), and prints the threads alive when any stays.
 */
class AttachDetachCyclesIT {

  static final int CYCLES = 10;
  /** One agent's classes and metaspace (2,230 classes, 11 MB: JDK 17, measured attached and detached). */
  static final long AGENT_CLASSES = 2_600;
  static final long AGENT_METASPACE = 12 << 20;
  /** What attaching leaves in the JDK after ten cycles: 1,150 classes and 5.6 MB (JDK 17), 1,530 and 6.1 MB (25). */
  static final long JDK_CLASSES = 2_000;
  static final long JDK_METASPACE = 8 << 20;
  /** Detached agents allowed to stay once those threads are gone: two at most were seen (see above). */
  static final long KEPT_AT_MOST = 3;
  static final String AGENT_LOADER = "dev.spillway.agent.launch.AgentClassLoader";

  @Test
  void tenCyclesLeaveNoAgentBehind() throws Exception {
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AgentJvm app = AgentJvm.builder(CyclingTargetApp.class).withoutAgent().start()) {
      app.awaitOutput("READY");
      String pid = Long.toString(app.pid());
      Map<String, Long> before = stats(app);
      cycle(pid, receiver);
      Map<String, Long> first = stats(app);
      for (int i = 1; i < CYCLES; i++) {
        cycle(pid, receiver);
      }
      // The last agent's span processor thread ends up to 5 s after its detach.
      await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
        Map<String, Long> last = stats(app);
        assertThat(last.get("classes")).as("loaded classes, the executor running on")
            .isLessThanOrEqualTo(first.get("classes") + (KEPT_AT_MOST - 1) * AGENT_CLASSES + 300);
        assertThat(last.get("metaspace")).as("metaspace, the executor running on")
            .isLessThanOrEqualTo(first.get("metaspace") + (KEPT_AT_MOST - 1) * AGENT_METASPACE + (4 << 20));
        assertThat(last.get("heap")).as("heap").isLessThanOrEqualTo(first.get("heap") + (4 << 20));
      });
      // The application ran on throughout.
      assertThat(stats(app).get("done")).isGreaterThan(first.get("done"));

      app.ask("renew", "RENEWED");
      // Normally no agent is left within a second or two; on JDK 25 one or two sometimes stay for
      // the whole minute (see the class comment). A leak of every cycle keeps ten.
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      long kept = app.liveInstances(AGENT_LOADER);
      while (kept > 0 && System.nanoTime() < deadline) {
        Thread.sleep(500);
        kept = app.liveInstances(AGENT_LOADER);
      }
      Map<String, Long> after = stats(app);
      System.out.println("before " + before + ", after 1 cycle " + first + ", after " + CYCLES
          + " and new threads " + after + ", agent class loaders alive " + kept);
      List<String> threads = kept > 0 ? app.threadNames() : List.of();
      if (kept > 0) {
        System.out.println("threads with agents kept: " + threads);
      }
      assertThat(kept).as("agent class loaders alive after %d cycles, the threads renewed; threads: %s",
          CYCLES, threads).isLessThanOrEqualTo(KEPT_AT_MOST);
      assertThat(after.get("classes")).as("loaded classes")
          .isLessThanOrEqualTo(before.get("classes") + JDK_CLASSES + kept * AGENT_CLASSES);
      assertThat(after.get("metaspace")).as("metaspace")
          .isLessThanOrEqualTo(before.get("metaspace") + JDK_METASPACE + kept * AGENT_METASPACE);
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
