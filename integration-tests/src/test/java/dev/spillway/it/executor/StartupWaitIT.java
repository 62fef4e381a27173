package dev.spillway.it.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.EarlyPoolApp;
import dev.spillway.it.support.AgentJvm;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code spillway.startup=wait}: main starts only once the bytecode is in place, so that an executor
 * built first thing in main runs the instrumented classes from its first task, rewritten as they
 * load rather than retransformed under a running worker.
 */
class StartupWaitIT {

  static final String LINE = "[spillway] DEBUG instrumented java.util.concurrent.ThreadPoolExecutor";

  @Test
  void anExecutorBuiltFirstThingInMainIsInstrumentedAsItLoads() {
    try (AgentJvm app = AgentJvm.builder(EarlyPoolApp.class).agentArgs("startup=wait,log.level=debug")
        .property("otel.metrics.exporter", "none").property("otel.traces.exporter", "none").start()) {
      assertThat(app.awaitOutput("RAN")).isEqualTo("RAN 42");
      String instrumented = app.awaitError(
          line -> line.equals(LINE) || line.equals(LINE + " (retransformed)"),
          Duration.ofSeconds(30));
      assertThat(instrumented).isEqualTo(LINE);
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
    }
  }
}
