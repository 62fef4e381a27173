package dev.spillway.it.signal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.NeighbourApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * {@code status} on a process that is not a JVM, and on a JVM without Spillway, fails within 2 s
 * (the whole command-line process) with one clear line (issue 11), instead of the JDK's 10.5 s
 * attach timeout; the process it asked about is left running.
 */
@Isolated // its assertions bound a duration: status must answer within 2 s
class StatusFailsFastIT {

  @Test
  void aProcessThatIsNotAJvm() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "60").start();
    try {
      Cli.Result status = Cli.run("status", Long.toString(sleeper.pid()));
      assertThat(status.exitCode).as("%s", status).isEqualTo(1);
      assertThat(status.err.strip()).as("%s", status)
          .isEqualTo("spillway status: pid " + sleeper.pid() + " is not a Java virtual machine (/usr/bin/sleep)");
      assertThat(status.millis).as("%s", status).isLessThan(2000);
      assertThat(sleeper.waitFor(200, TimeUnit.MILLISECONDS)).as("still running").isFalse();
    } finally {
      sleeper.destroy();
    }
  }

  @Test
  void aJvmWithoutTheAgent() {
    try (AgentJvm app = AgentJvm.builder(NeighbourApp.class).withoutAgent().testClasspath().start()) {
      app.send("go");
      app.awaitOutput("READY");
      Cli.Result status = Cli.run("status", Long.toString(app.pid()));
      assertThat(status.exitCode).as("%s", status).isEqualTo(1);
      assertThat(status.err.strip()).as("%s", status).isEqualTo("spillway status: Spillway is not running in pid "
          + app.pid() + " (start it with: spillway attach " + app.pid() + ")");
      assertThat(status.millis).as("%s", status).isLessThan(2000);
      assertThat(app.isAlive()).isTrue();
      app.send("exit");
    }
  }
}
