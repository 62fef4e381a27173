package dev.spillway.it.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.SheddingApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line's channel into a JVM (issue 12: it listened on all interfaces, unauthenticated,
 * once any command had run): no TCP port at all, and no way in for another local user, who can
 * neither attach nor connect to the socket even knowing its path. The second user is created
 * when the tests run as root (as here and in CI); elsewhere that part is skipped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlChannelIT {

  static final String OTHER_USER = "spillway-it-other";
  static final String PROBE = String.join("\n",
      "import java.net.*;",
      "import java.nio.channels.*;",
      "public class Probe {",
      "  public static void main(String[] args) {",
      "    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {",
      "      c.connect(UnixDomainSocketAddress.of(args[0]));",
      "      System.out.println(\"CONNECTED\");",
      "    } catch (Exception e) {",
      "      System.out.println(\"REFUSED \" + e);",
      "    }",
      "  }",
      "}",
      "");

  AgentJvm app;

  @BeforeAll
  void start() {
    app = AgentJvm.builder(SheddingApp.class).property("otel.metrics.exporter", "none")
        .property("otel.traces.exporter", "none").start();
    app.awaitAgentStarted();
    app.awaitOutput("READY");
  }

  @AfterAll
  void stop() {
    app.send("exit");
    app.close();
  }

  @Test
  void theCommandLineOpensNoTcpPortInTheTarget() throws Exception {
    Cli.Result status = Cli.run("status", Long.toString(app.pid()));
    assertThat(status.exitCode).as("%s", status).isZero();
    assertThat(status.out).contains("executor  ticker");

    Prerequisites.require(available("ss", "-V"), "ss (iproute2) is not installed (.ci/run installs it)");
    String listening = run(List.of("ss", "-ltnpH")).output;
    assertThat(listening.lines().filter(line -> line.contains("pid=" + app.pid() + ",")))
        .as("TCP listeners of pid %s in:\n%s", app.pid(), listening).isEmpty();
  }

  @Test
  void theSocketLivesInADirectoryOnlyItsUserMayEnter() throws Exception {
    Path socket = socketPath();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent())))
        .isEqualTo("rwx------");
    assertThat(Files.getOwner(socket.getParent()).getName()).isEqualTo(System.getProperty("user.name"));
  }

  @Test
  void anotherLocalUserCanNeitherAttachNorConnect(@TempDir Path dir) throws Exception {
    Prerequisites.require("root".equals(System.getProperty("user.name")), "not root: a second OS user cannot be created");
    Prerequisites.require(available("runuser", "--version") && available("useradd", "--help"),
        "runuser or useradd is not installed (.ci/run installs them)");
    if (run(List.of("id", "-u", OTHER_USER)).exitCode != 0) {
      Run created = run(List.of("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
          OTHER_USER));
      assertThat(created.exitCode).as(created.output).isZero();
    }
    Path socket = socketPath();
    Path probeDir = Files.createDirectories(dir.resolve("probe"));
    Path probe = Files.writeString(probeDir.resolve("Probe.java"), PROBE);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(probeDir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rw-r--r--"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();

    // The probe can connect: as the JVM's own user it does.
    assertThat(run(List.of(java, probe.toString(), socket.toString())).output).contains("CONNECTED");

    Run connect = run(List.of("runuser", "-u", OTHER_USER, "--", java, probe.toString(), socket.toString()));
    assertThat(connect.output).as(connect.output).doesNotContain("CONNECTED").contains("REFUSED");

    Run status = run(List.of("runuser", "-u", OTHER_USER, "--", java, "-jar", AgentJvm.agentJar().toString(),
        "status", Long.toString(app.pid())));
    assertThat(status.exitCode).as(status.output).isEqualTo(1);
    assertThat(status.output.trim()).isEqualTo("spillway status: permission denied: pid " + app.pid()
        + " belongs to " + System.getProperty("user.name") + ", and a JVM can only be attached to by its own OS"
        + " user (run as " + System.getProperty("user.name") + ")");
  }

  /** The socket's path, as the JVM publishes it (read with jcmd, through the attach mechanism). */
  private Path socketPath() throws Exception {
    String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    String properties = run(List.of(jcmd, Long.toString(app.pid()), "VM.system_properties")).output;
    String line = properties.lines().filter(l -> l.startsWith("spillway.control.socket=")).findFirst()
        .orElseThrow(() -> new AssertionError("no spillway.control.socket in\n" + properties));
    return Path.of(line.substring(line.indexOf('=') + 1).replace("\\:", ":"));
  }

  private static final class Run {
    final int exitCode;
    final String output;

    Run(int exitCode, String output) {
      this.exitCode = exitCode;
      this.output = output;
    }
  }

  private static boolean available(String... command) {
    try {
      run(List.of(command));
      return true;
    } catch (IOException | InterruptedException e) {
      return false;
    }
  }

  private static Run run(List<String> command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("did not finish: " + command);
    }
    return new Run(process.exitValue(), output);
  }
}
