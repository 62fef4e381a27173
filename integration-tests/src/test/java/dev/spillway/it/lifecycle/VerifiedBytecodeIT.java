package dev.spillway.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.ExecutorSemanticsApp;
import dev.spillway.it.apps.QueueSemanticsApp;
import dev.spillway.it.support.AgentJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDK's classes rewritten under {@code -javaagent} (by the agent's own ASM weaver, before Byte
 * Buddy is ready) pass the JVM's bytecode verifier. The JVM does not verify the classes of the
 * bootstrap class loader unless told to: here it is, so a wrong stack map frame of ours fails the
 * class's load instead of going unseen. Each class is checked to have been verified, and the
 * programs to give the JDK's results (see the semantics tests for the comparison without agent).
 */
class VerifiedBytecodeIT {

  static final List<String> EXECUTOR_CLASSES = List.of("java.util.concurrent.ThreadPoolExecutor",
      "java.util.concurrent.ThreadPoolExecutor$Worker", "java.util.concurrent.ScheduledThreadPoolExecutor");
  static final List<String> QUEUE_CLASSES = List.of("java.util.concurrent.ArrayBlockingQueue",
      "java.util.concurrent.LinkedBlockingQueue", "java.util.concurrent.LinkedBlockingDeque",
      "java.util.concurrent.PriorityBlockingQueue", "java.util.concurrent.SynchronousQueue",
      "java.util.concurrent.LinkedTransferQueue", "java.util.concurrent.DelayQueue", "java.util.AbstractQueue");

  @Test
  void executorClassesPassTheVerifierAndBehave(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("verification.log");
    try (AgentJvm app = verified(ExecutorSemanticsApp.class, log).start()) {
      app.awaitAgentStarted();
      assertThat(checks(app)).containsExactlyElementsOf(
          dev.spillway.it.executor.ExecutorSemanticsIT.EXPECTED);
    }
    assertVerified(log, EXECUTOR_CLASSES);
  }

  @Test
  void queueClassesPassTheVerifierAndBehave(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("verification.log");
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, "rules:\n  - name: never\n    target: queue\n    when:\n"
        + "      queue.size: \">= 1000000\"\n");
    try (AgentJvm app = verified(QueueSemanticsApp.class, log)
        .property("spillway.queue.details", "*").property("spillway.rules", rules.toString()).start()) {
      app.awaitAgentStarted();
      List<String> checks = checks(app);
      assertThat(checks).hasSize(7);
      assertThat(checks.get(0)).isEqualTo("CHECK array [true, true, false, IllegalStateException:Queue full,"
          + " false, true, 0, 1, true, true, [1, 3], 1, 3, null, NoSuchElementException:null, 1:[11], true,"
          + " handed:42, interrupted]");
    }
    assertVerified(log, QUEUE_CLASSES);
  }

  private static AgentJvm.Builder verified(Class<?> main, Path log) {
    return AgentJvm.builder(main)
        .jvmArg("-XX:+UnlockDiagnosticVMOptions").jvmArg("-XX:+BytecodeVerificationLocal")
        .jvmArg("-Xlog:verification=info:file=" + log)
        .property("otel.metrics.exporter", "none").property("otel.traces.exporter", "none");
  }

  private static List<String> checks(AgentJvm app) {
    app.send("go");
    app.awaitOutput(line -> line.equals("CHECKS DONE"), Duration.ofSeconds(90));
    List<String> checks = app.stdout().stream().filter(l -> l.startsWith("CHECK ")).collect(Collectors.toList());
    app.send("exit");
    assertThat(app.awaitExit(Duration.ofSeconds(30))).isZero();
    assertThat(app.stderr()).noneMatch(line -> line.contains("VerifyError") || line.contains("could not instrument"));
    assertThat(app.agentProblems()).allMatch(line -> line.contains("whose inserts never fail"));
    return checks;
  }

  private static void assertVerified(Path log, List<String> classes) throws Exception {
    String text = Files.readString(log);
    assertThat(text).doesNotContain("VerifyError");
    for (String type : classes) {
      assertThat(text).as(type + " verified").contains("End class verification for: " + type + "\n");
    }
  }
}
