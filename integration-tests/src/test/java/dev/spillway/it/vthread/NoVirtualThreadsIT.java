package dev.spillway.it.vthread;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.VirtualThreadsApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.OtlpReceiver;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * On the JDK running the tests: JDK 17 (no virtual threads) skips the family with one debug line
 * and reports nothing of it; on 21+ (the JDK 25 pass) the same application is counted.
 */
class NoVirtualThreadsIT {

  @Test
  void onJdk17TheFamilyIsSkippedWithOneDebugLine() throws Exception {
    boolean virtual = Runtime.version().feature() >= 21;
    try (OtlpReceiver receiver = OtlpReceiver.start();
        AgentJvm app = AgentJvm.builder(VirtualThreadsApp.class).testClasspath().exportTo(receiver)
            .property("spillway.log.level", "debug").property("spillway.vthread.enabled", "true").start()) {
      String started = app.awaitAgentStarted();
      app.awaitOutput("READY");
      assertThat(app.ask("start 2", "STARTED")).isEqualTo(virtual ? "STARTED 2" : "STARTED none");
      if (virtual) {
        assertThat(started).contains("virtual threads");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
            receiver.metrics().latest(AbstractVirtualThreadsIT.COUNT)).hasValue(2));
      } else {
        assertThat(started).doesNotContain("virtual threads");
        assertThat(app.stderr()).filteredOn(line -> line.contains("no virtual threads on JDK"))
            .containsExactly("[spillway] DEBUG no virtual threads on JDK " + Runtime.version().feature()
                + ": no virtual-thread-scheduler series, no jvm.thread.virtual.* metrics");
        // An export has come (the agent's executors are reported): nothing of virtual threads in it.
        await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.metrics().names().isEmpty());
        assertThat(receiver.metrics().names()).noneMatch(name -> name.startsWith("jvm.thread.virtual"));
      }
      app.send("release");
      app.send("exit");
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
