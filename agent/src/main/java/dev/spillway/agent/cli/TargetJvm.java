package dev.spillway.agent.cli;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import dev.spillway.agent.Agent;
import dev.spillway.agent.shedding.Rules;
import dev.spillway.agent.shedding.RulesMBean;
import dev.spillway.agent.status.AgentMXBean;
import java.io.IOException;
import java.util.Optional;
import java.util.Properties;
import javax.management.JMX;
import javax.management.MBeanServerConnection;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * Another JVM on this machine, reached through the JVM's attach mechanism (which only lets the
 * same OS user in) and, for reading and changing the agent, through that JVM's local JMX
 * connection, started on demand as JConsole does.
 */
final class TargetJvm implements AutoCloseable {

  private final long pid;
  private final VirtualMachine vm;
  private JMXConnector connector;

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
    return JMX.newMXBeanProxy(requireAgentMBean(), name(Agent.OBJECT_NAME), AgentMXBean.class);
  }

  RulesMBean rules() throws CliException {
    return JMX.newMBeanProxy(requireAgentMBean(), name(Rules.OBJECT_NAME), RulesMBean.class);
  }

  private MBeanServerConnection requireAgentMBean() throws CliException {
    MBeanServerConnection connection = jmx();
    try {
      if (!connection.isRegistered(name(Agent.OBJECT_NAME))) {
        throw new CliException("Spillway is not running in pid " + pid + " (start it with: spillway attach " + pid
            + "), or it runs with spillway.jmx.enabled=false");
      }
    } catch (IOException e) {
      throw new CliException("lost the connection to pid " + pid + ": " + describe(e));
    }
    return connection;
  }

  private MBeanServerConnection jmx() throws CliException {
    try {
      if (connector == null) {
        String address = vm.startLocalManagementAgent();
        connector = JMXConnectorFactory.connect(new JMXServiceURL(address));
      }
      return connector.getMBeanServerConnection();
    } catch (IOException e) {
      throw new CliException("cannot open the local JMX connection of pid " + pid + ": " + describe(e));
    }
  }

  private static ObjectName name(String name) {
    try {
      return new ObjectName(name);
    } catch (MalformedObjectNameException e) {
      throw new IllegalStateException(e);
    }
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  @Override
  public void close() {
    try {
      if (connector != null) {
        connector.close();
      }
    } catch (IOException ignored) {
      // the target went away
    }
    try {
      vm.detach();
    } catch (IOException ignored) {
      // the target went away
    }
  }
}
