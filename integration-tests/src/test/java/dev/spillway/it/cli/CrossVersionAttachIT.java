package dev.spillway.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.AttachTargetApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.Prerequisites;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The command line on one Java version drives a JVM on another: a JDK 17 command line attaches to
 * a JDK 25 JVM, and a JDK 25 command line reads it and takes the agent out again.
 */
class CrossVersionAttachIT {

  @Test
  void jdk17CommandLineAttachesToAJdk25Jvm() {
    Path jdk25 = Prerequisites.jdk25();
    try (AgentJvm app = AgentJvm.builder(AttachTargetApp.class).javaHome(jdk25).withoutAgent().start()) {
      app.awaitOutput("READY");

      Cli.Result attach = Cli.run("attach", Long.toString(app.pid()), "otel.metrics.exporter=none",
          "otel.traces.exporter=none");
      assertThat(attach.exitCode).as("%s", attach).isZero();
      assertThat(attach.out).startsWith("pid " + app.pid() + ": started ")
          .contains("note: JDK 25 warns about agents loaded at run time; -XX:+EnableDynamicAgentLoading");
      // JDK 25 says so itself, as JEP 451 requires, and the application goes on.
      app.awaitError(line -> line.contains("A Java agent has been loaded dynamically"), Duration.ofSeconds(10));
      assertThat(app.ask("reject 1", "REJECTED")).isEqualTo("REJECTED 1");

      Cli.Result status = Cli.run(jdk25, "status", Long.toString(app.pid()), "--json");
      assertThat(status.exitCode).as("%s", status).isZero();
      assertThat(status.out).contains("\"name\": \"orders\"").contains("\"rejected\": 1");

      Cli.Result detach = Cli.run(jdk25, "detach", Long.toString(app.pid()));
      assertThat(detach.out).contains("detached: classes restored to their original bytecode");
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
          assertThat(app.ask("ping", "PONG")).isEqualTo("PONG 3"));
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
