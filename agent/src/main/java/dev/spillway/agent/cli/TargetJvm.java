package dev.spillway.agent.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.spillway.agent.Agent;
import dev.spillway.agent.control.ControlClient;
import dev.spillway.agent.control.ControlServer;
import dev.spillway.agent.shedding.RulesMBean;
import dev.spillway.agent.status.AgentMXBean;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * Another JVM on this machine, reached through the JVM's attach mechanism (which only lets the
 * same OS user in) and, for reading and changing the agent, through the agent's control channel
 * (a Unix domain socket in a directory only that user may enter; see ControlServer). No TCP
 * port is opened in the target: not even the JDK's local JMX connector is started.
 */
final class TargetJvm implements AutoCloseable {

  private final long pid;
  private final VirtualMachine vm;

  private TargetJvm(long pid, VirtualMachine vm) {
    this.pid = pid;
    this.vm = vm;
  }

  /** Attaches, or explains in one line why not. */
  static TargetJvm attach(long pid) throws CliException {
    Optional<ProcessHandle> process = ProcessHandle.of(pid);
    if (process.isEmpty()) {
      throw new CliException("no process with pid " + pid);
    }
    if (pid == ProcessHandle.current().pid()) {
      throw new CliException("pid " + pid + " is this command itself");
    }
    String refusal = notAttachable(pid, process.get());
    if (refusal != null) {
      throw new CliException(refusal);
    }
    try {
      return new TargetJvm(pid, VirtualMachine.attach(Long.toString(pid)));
    } catch (AttachNotSupportedException | IOException e) {
      String owner = process.get().info().user().orElse(null);
      String me = System.getProperty("user.name");
      if (owner != null && !owner.equals(me)) {
        throw new CliException("permission denied: pid " + pid + " belongs to " + owner + ", and a JVM can only"
            + " be attached to by its own OS user (run as " + owner + ")");
      }
      throw new CliException("cannot attach to pid " + pid + ": " + describe(e)
          + " (is it a Java 17+ JVM started without -XX:+DisableAttachMechanism?)");
    }
  }

  /**
   * Why the attach mechanism cannot reach this process, told at once instead of after the JDK's
   * attach timeout (10.5 s measured on JDK 17 for a process that is not a JVM); null when it may.
   * On Linux: a process whose memory maps (readable by its own user, as attaching needs) hold no
   * {@code libjvm} is not a JVM, and one started with {@code -XX:+DisableAttachMechanism} never
   * answers. Elsewhere, or when the maps cannot be read, the attach itself explains.
   */
  static String notAttachable(long pid, ProcessHandle process) {
    Path proc = Path.of("/proc", Long.toString(pid));
    if (!Files.isDirectory(proc) || Files.exists(proc.resolve("root/tmp/.java_pid" + pid))
        || Files.exists(Path.of("/tmp/.java_pid" + pid))) {
      return null; // not Linux, or its attach listener already runs
    }
    String command = process.info().command().orElse("?");
    try (Stream<String> maps = Files.lines(proc.resolve("maps"))) {
      if (maps.noneMatch(line -> line.endsWith("/libjvm.so"))) {
        return "pid " + pid + " is not a Java virtual machine (" + command + ")";
      }
    } catch (IOException | RuntimeException e) {
      return null; // not ours to read: the attach explains
    }
    try {
      String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
      if (cmdline.contains("-XX:+DisableAttachMechanism")) {
        return "pid " + pid + " runs with -XX:+DisableAttachMechanism: no tool can attach to it";
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  long pid() {
    return pid;
  }

  Properties systemProperties() throws CliException {
    try {
      return vm.getSystemProperties();
    } catch (IOException e) {
      throw new CliException("pid " + pid + " stopped answering: " + describe(e));
    }
  }

  /** The target's Java feature version (17, 21, 25...). */
  int javaVersion() throws CliException {
    String spec = systemProperties().getProperty("java.specification.version", "0");
    try {
      return spec.startsWith("1.") ? Integer.parseInt(spec.substring(2)) : Integer.parseInt(spec);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The version of the Spillway agent running there, if one is. */
  Optional<String> agentVersion() throws CliException {
    return Optional.ofNullable(systemProperties().getProperty(Agent.VERSION_PROPERTY));
  }

  /** Loads the agent jar with {@code args}; returns the agent's own account of the result. */
  String loadAgent(String jar, String args) throws CliException {
    try {
      vm.loadAgent(jar, args);
    } catch (AgentLoadException | AgentInitializationException e) {
      String result = systemProperties().getProperty(Agent.ATTACH_RESULT, "");
      throw new CliException("the agent failed in pid " + pid + ": "
          + (result.startsWith("failed") ? result.substring("failed: ".length()) : describe(e)));
    } catch (IOException e) {
      throw new CliException("loading the agent into pid " + pid + " failed: " + describe(e)
          + " (JDK 21+ may refuse agents loaded at run time: start it with -XX:+EnableDynamicAgentLoading)");
    }
    String result = systemProperties().getProperty(Agent.ATTACH_RESULT, "");
    if (result.startsWith("failed")) {
      throw new CliException("the agent failed in pid " + pid + ": " + result.substring("failed: ".length()));
    }
    return result;
  }

  AgentMXBean agent() throws CliException {
    return control().agent();
  }

  RulesMBean rules() throws CliException {
    return control().rules();
  }

  /**
   * The agent's control channel, a Unix domain socket only this user can reach, whose path the
   * agent publishes as a system property (read here through the attach mechanism).
   */
  private ControlClient control() throws CliException {
    Properties properties = systemProperties();
    String socket = properties.getProperty(ControlServer.PROPERTY);
    if (socket == null) {
      if (properties.getProperty(Agent.VERSION_PROPERTY) != null) {
        throw new CliException("Spillway runs in pid " + pid + " without its control channel"
            + " (spillway.control.enabled=false, or it could not open it: see that JVM's standard error)");
      }
      throw new CliException("Spillway is not running in pid " + pid + " (start it with: spillway attach " + pid
          + ")");
    }
    Path path = Path.of(socket);
    if (!Files.exists(path)) {
      // A JVM in a container: its files as seen from here.
      Path inside = Path.of("/proc", Long.toString(pid), "root").resolve(path.toString().substring(1));
      path = Files.exists(inside) ? inside : path;
    }
    return new ControlClient(path);
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  @Override
  public void close() {
    try {
      vm.detach();
    } catch (IOException ignored) {
      // the target went away
    }
  }
}
