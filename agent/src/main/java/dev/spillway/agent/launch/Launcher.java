package dev.spillway.agent.launch;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * Starts the agent from the bootstrap class path, where {@link SpillwayAgent} hands over.
 *
 * <p>{@code premain} returns at once and the agent starts on its own daemon thread, so the
 * application's start-up never waits for Byte Buddy and the SDK; classes the application loads
 * meanwhile are retransformed when the agent is ready. With {@code spillway.startup=wait} it
 * returns once the bytecode is in place instead (read here, before any configuration class
 * loads: the agent's configuration validates and documents it). {@code agentmain} starts
 * synchronously, so that an attaching command line learns whether the agent started and why not.
 */
public final class Launcher {

  private static final String AGENT_CLASS = "dev.spillway.agent.Agent";
  private static final String CLI_CLASS = "dev.spillway.agent.cli.Main";
  /** How long {@code spillway.startup=wait} holds the application's start at most. */
  private static final long STARTUP_WAIT_MILLIS = 30_000;

  private Launcher() {}

  public static void premain(String args, Instrumentation inst, File jar) {
    if (isJdkTool()) {
      return;
    }
    Thread thread = dev.spillway.bootstrap.AgentThreads.newThread(new Starter(args, inst, jar), "spillway-init");
    thread.start();
    if ("wait".equals(startupMode(args))) {
      dev.spillway.bootstrap.AgentState.awaitInstrumented(STARTUP_WAIT_MILLIS);
    }
  }

  /** {@code spillway.startup} as the agent's configuration resolves it: argument, property, environment. */
  static String startupMode(String args) {
    String value = null;
    if (args != null) {
      for (String part : args.split(",")) {
        String item = part.trim();
        if (item.startsWith("startup=") || item.startsWith("spillway.startup=")) {
          value = item.substring(item.indexOf('=') + 1).trim();
        }
      }
    }
    if (value == null) {
      value = System.getProperty("spillway.startup");
    }
    if (value == null) {
      value = System.getenv("SPILLWAY_STARTUP");
    }
    return value == null ? "background" : value.trim().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Runs the start on an agent thread, as premain does (what the agent builds there, such as the
   * SDK's executors, is then known to be its own), but waits for it: the attaching command line
   * reads the outcome as soon as this returns.
   */
  public static void agentmain(String args, Instrumentation inst, File jar) throws Exception {
    Throwable[] failure = new Throwable[1];
    Thread thread = dev.spillway.bootstrap.AgentThreads.newThread(new Runnable() {
      @Override
      public void run() {
        try {
          start(args, inst, jar, true);
        } catch (Throwable t) {
          failure[0] = t;
        }
      }
    }, "spillway-attach");
    thread.start();
    thread.join();
    if (failure[0] instanceof Exception) {
      throw (Exception) failure[0];
    } else if (failure[0] != null) {
      throw new IllegalStateException(failure[0]);
    }
  }

  public static void main(String[] args) throws Throwable {
    File jar = SpillwayAgent.locateJar();
    Method main = new AgentClassLoader(jar).loadClass(CLI_CLASS).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  @SuppressWarnings("unchecked")
  static void start(String args, Instrumentation inst, File jar, boolean attached) throws Exception {
    Consumer<String> running = dev.spillway.bootstrap.AgentState.running();
    if (running != null) {
      // Already installed in this JVM (by -javaagent or an earlier attach): reconfigure only.
      running.accept(args == null ? "" : args);
      return;
    }
    ClassLoader loader = new AgentClassLoader(jar);
    try {
      loader.loadClass(AGENT_CLASS)
          .getMethod("start", String.class, Instrumentation.class, File.class, boolean.class)
          .invoke(null, args, inst, jar, attached);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    }
  }

  /** With JAVA_TOOL_OPTIONS every JDK tool (jcmd, jps, javac) loads the agent too; skip them. */
  private static boolean isJdkTool() {
    String command = System.getProperty("sun.java.command", "");
    return command.startsWith("sun.tools.") || command.startsWith("com.sun.tools.")
        || command.startsWith("jdk.jcmd") || command.startsWith("jdk.internal.jshell")
        || command.startsWith("jdk.jshell");
  }

  /** A class rather than a lambda: the first lambda of a JVM costs tens of milliseconds. */
  private static final class Starter implements Runnable {
    private final String args;
    private final Instrumentation inst;
    private final File jar;

    Starter(String args, Instrumentation inst, File jar) {
      this.args = args;
      this.inst = inst;
      this.jar = jar;
    }

    @Override
    public void run() {
      try {
        start(args, inst, jar, false);
      } catch (Throwable t) {
        System.err.println("[spillway] ERROR agent not started: " + t);
      } finally {
        // Whatever happened, a start that waits for the bytecode waits no longer.
        dev.spillway.bootstrap.AgentState.instrumented();
      }
    }
  }
}
