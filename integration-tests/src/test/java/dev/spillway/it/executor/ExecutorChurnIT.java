package dev.spillway.it.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.ExecutorChurnApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Thousands of short-lived executors in a small heap: the agent keeps neither them nor state for
 * them, their series go when they do, and past the cap executors share one overflow series.
 */
class ExecutorChurnIT {

  static final String THREAD_CORE = "jvm.executor.thread.core";
  static final String COMPLETED = "jvm.executor.task.completed";
  static final String NAME = "jvm.executor.name";
  static final String WAIT = "jvm.executor.task.wait.duration";

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
  void churnedExecutorsLeaveNoSeriesAndNoTrackers() {
    try (AgentJvm app = AgentJvm.builder(ExecutorChurnApp.class)
        .jvmArg("-Xmx64m")
        .jvmArg("-XX:+ExitOnOutOfMemoryError")
        .exportTo(receiver)
        .args("churn")
        .start()) {
      app.awaitAgentStarted();
      app.send("go");
      assertThat(app.awaitOutput(line -> line.startsWith("CHURNED"), Duration.ofSeconds(60)))
          .isEqualTo("CHURNED executors=5000 tasks=15000 sum=70000 bookkeeping=5003");
      Map<String, Long> expectedCore = Map.of("ledger", 2L, "mailer", 1L, "indexer", 3L);
      // While they lived, churned pools were reported; never more than a few at once, so their
      // names (ThreadPoolExecutor, ThreadPoolExecutor#2...) were reused, far below the cap of 200.
      assertThat(receiver.metrics().attributeValues(THREAD_CORE, NAME))
          .anyMatch(name -> !expectedCore.containsKey(name));
      assertThat(receiver.metrics().attributeValues(WAIT, NAME)).hasSizeLessThan(100);

      // Exports collected after the churn: the three long-lived pools and nothing else.
      int afterChurn = receiver.metricExports();
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(coreByName(receiver.metricsAfter(afterChurn + 1))).isEqualTo(expectedCore));
      MetricsView fresh = receiver.metricsAfter(afterChurn + 1);
      // Each long-lived pool ran its first task and every third bookkeeping task of each churner.
      assertThat(fresh.latest(COMPLETED, NAME, "ledger")).hasValue(1 + 4 * 417);
      assertThat(fresh.latest(COMPLETED, NAME, "mailer")).hasValue(1 + 4 * 417);
      assertThat(fresh.latest(COMPLETED, NAME, "indexer")).hasValue(1 + 4 * 416);

      // The agent holds no state for the 5000 (and keeps none of them alive): the three live
      // pools' trackers and the shared marker for ignored executors.
      long trackers = app.liveInstances("dev.spillway.agent.executor.ExecutorTracker");
      assertThat(trackers).isBetween(1L, 50L);
      assertThat(app.liveInstances("java.util.concurrent.ThreadPoolExecutor")).isLessThan(50);

      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.stderr()).noneMatch(line -> line.contains("OutOfMemoryError"));
      assertThat(app.agentProblems()).isEmpty();
    }
  }

  @Test
  void pastTheCapExecutorsShareOneOverflowSeriesWithOneWarning() {
    try (AgentJvm app = AgentJvm.builder(ExecutorChurnApp.class)
        .property("spillway.executor.max-tracked", "5")
        .exportTo(receiver)
        .args("overflow")
        .start()) {
      app.awaitAgentStarted();
      app.send("go");
      assertThat(app.awaitOutput("POOLS")).isEqualTo("POOLS 20");

      // The first five pools (each made and used before the next) have their own series.
      Map<String, Long> expectedCore = new TreeMap<>(Map.of(
          "shard-1", 1L, "shard-2", 1L, "shard-3", 1L, "shard-4", 1L, "shard-5", 1L, "_overflow", 15L));
      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(coreByName(m)).isEqualTo(expectedCore);
        assertThat(m.latest(COMPLETED, NAME, "_overflow")).hasValue(15);
      });
      assertThat(receiver.metrics().latest(COMPLETED, NAME, "shard-3")).hasValue(1);

      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).containsExactly("[spillway] WARN more than 5 live executors: later"
          + " ones are reported together as jvm.executor.name=_overflow (raise spillway.executor.max-tracked"
          + " to see them apart)");
    }
  }

  /** jvm.executor.thread.core by jvm.executor.name; fails on a name reported twice. */
  private static Map<String, Long> coreByName(MetricsView metrics) {
    Map<Map<String, String>, Long> series = metrics.series(THREAD_CORE);
    Set<String> names = series.keySet().stream().map(attrs -> attrs.get(NAME)).collect(Collectors.toSet());
    assertThat(names).hasSize(series.size());
    Map<String, Long> byName = new TreeMap<>();
    series.forEach((attrs, value) -> byName.put(attrs.get(NAME), value));
    return byName;
  }
}
