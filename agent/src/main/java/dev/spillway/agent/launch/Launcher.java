package dev.spillway.agent.launch;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Starts the agent from the bootstrap class path, where {@link SpillwayAgent} hands over.
 *
 * <p>{@code premain} registers the {@link WeavingGate} and starts the agent on its own daemon
 * thread, then returns: {@code main} starts at once, and any class Spillway rewrites waits at the
 * gate until its bytecode is ready, so the rewriting is in place before the application can use
 * it. If such a class was loaded before us (by another agent), {@code premain} waits for the
 * bytecode itself, since the gate cannot hold that class. With {@code spillway.startup=background}
 * nothing waits: classes that load meanwhile are retransformed once the agent is ready (read here,
 * before any configuration class loads: the agent's configuration validates and documents it).
 * {@code agentmain} starts synchronously, so that an attaching command line learns whether the
 * agent started and why not.
 */
public final class Launcher {

  private static final String AGENT_CLASS = "dev.spillway.agent.Agent";
  /** Hands an {@link AgentEntry} over as it initializes. */
  private static final String ENTRY_CLASS = "dev.spillway.agent.Agent$Entry";
  /** What the entry class handed over, until {@link #entry} takes it; guarded by Launcher.class. */
  private static AgentEntry handed;
  private static final String CLI_CLASS = "dev.spillway.agent.cli.Main";

  private Launcher() {}

  public static void premain(String args, Instrumentation inst, File jar) {
    if (isJdkTool()) {
      return;
    }
    boolean background = "background".equals(startupMode(args));
    WeavingGate gate = WeavingGate.register(inst, heldTypes(args), background ? 0 : WeavingGate.MAX_HOLD_MILLIS);
    boolean loadedBefore = !background && gate.anyLoadedBefore();
    Thread thread = dev.spillway.bootstrap.AgentThreads.newThread(new Starter(args, inst, jar, gate), "spillway-init");
    gate.builtBy(thread);
    thread.start();
    if (loadedBefore) {
      dev.spillway.bootstrap.AgentState.awaitInstrumented(WeavingGate.MAX_HOLD_MILLIS);
    }
  }

  /** {@code spillway.startup} as the agent's configuration resolves it: argument, property, environment. */
  static String startupMode(String args) {
    String value = setting(args, "startup");
    return value == null ? "complete" : value;
  }

  /**
   * The classes the gate holds: {@code java.lang.VirtualThread} only when virtual threads are
   * counted ({@code spillway.vthread.enabled}, off by default). The JVM loads that class before any
   * agent, so held it would always count as loaded unwoven, and retransforming it (with nothing to
   * weave) would build Byte Buddy at every start on JDK 21+.
   */
  static Set<String> heldTypes(String args) {
    if ("true".equals(setting(args, "vthread.enabled"))) {
      return WovenTypes.NAMES;
    }
    Set<String> held = new HashSet<>(WovenTypes.NAMES);
    held.remove(WovenTypes.VIRTUAL_THREAD);
    return held;
  }

  /**
   * The value of {@code spillway.<key>} as the agent's configuration resolves it (argument,
   * property, environment), trimmed and in lower case; null when unset. Read here, before any
   * configuration class loads: the agent's configuration validates and documents it.
   */
  private static String setting(String args, String key) {
    String value = null;
    if (args != null) {
      for (String part : args.split(",")) {
        int eq = part.indexOf('=');
        String name = eq > 0 ? part.substring(0, eq).trim() : "";
        if (name.equals(key) || name.equals("spillway." + key)) {
          value = part.substring(eq + 1);
        }
      }
    }
    if (value == null) {
      value = System.getProperty("spillway." + key);
    }
    if (value == null) {
      value = System.getenv("SPILLWAY_" + key.toUpperCase(Locale.ROOT).replace('.', '_'));
    }
    return value == null ? null : value.trim().toLowerCase(Locale.ROOT);
  }

  /**
   * Runs the start on an agent thread, as premain does (what the agent builds there, such as the
   * SDK's executors, is then known to be its own), but waits for it: the attaching command line
   * reads the outcome as soon as this returns.
   */
  public static void agentmain(String args, Instrumentation inst, File jar) throws Exception {
    Throwable[] failure = new Throwable[1];
    WeavingGate gate = WeavingGate.register(inst, heldTypes(args), WeavingGate.MAX_HOLD_MILLIS);
    Thread thread = dev.spillway.bootstrap.AgentThreads.newThread(new Runnable() {
      @Override
      public void run() {
        try {
          start(args, inst, jar, true, gate);
        } catch (Throwable t) {
          failure[0] = t;
        }
      }
    }, "spillway-attach");
    gate.builtBy(thread);
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
  static void start(String args, Instrumentation inst, File jar, boolean attached, WeavingGate gate)
      throws Exception {
    Consumer<String> running = dev.spillway.bootstrap.AgentState.running();
    if (running != null) {
      // Already installed in this JVM (by -javaagent or an earlier attach): reconfigure only.
      gate.close(inst);
      running.accept(args == null ? "" : args);
      return;
    }
    try {
      ClassLoader loader = new AgentClassLoader(jar);
      AgentEntry entry = entry(loader);
      if (entry != null) {
        entry.start(args, inst, jar, attached, gate);
        return;
      }
      // An agent jar without the entry class (another version): as before, by reflection.
      loader.loadClass(AGENT_CLASS)
          .getMethod("start", String.class, Instrumentation.class, File.class, boolean.class, WeavingGate.class)
          .invoke(null, args, inst, jar, attached, gate);
    } catch (InvocationTargetException e) {
      gate.close(inst);
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    } catch (Exception | Error e) {
      gate.close(inst);
      throw e;
    }
  }

  /**
   * Called by the agent's entry class as it initializes, on the thread that initializes it (in
   * {@link #entry}). Whatever else calls it hands over nothing that is used.
   */
  public static synchronized void handOver(AgentEntry entry) {
    handed = entry;
  }

  /** The entry the agent's entry class hands over when {@code loader} initializes it; null if none. */
  private static synchronized AgentEntry entry(ClassLoader loader) {
    handed = null;
    try {
      Class.forName(ENTRY_CLASS, true, loader);
      return handed;
    } catch (ClassNotFoundException e) {
      return null;
    } finally {
      handed = null;
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
    private final WeavingGate gate;

    Starter(String args, Instrumentation inst, File jar, WeavingGate gate) {
      this.args = args;
      this.inst = inst;
      this.jar = jar;
      this.gate = gate;
    }

    @Override
    public void run() {
      try {
        start(args, inst, jar, false, gate);
      } catch (Throwable t) {
        System.err.println("[spillway] ERROR agent not started: " + t);
      } finally {
        // Whatever happened, a start that waits for the bytecode waits no longer.
        dev.spillway.bootstrap.AgentState.instrumented();
      }
    }
  }
}
