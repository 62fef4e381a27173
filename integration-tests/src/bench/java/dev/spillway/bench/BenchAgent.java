package dev.spillway.bench;

import com.sun.tools.attach.VirtualMachine;

/**
 * The agent in a benchmark JVM. With {@code -javaagent}, a benchmark builds its executor, queue or
 * pool only once the agent's bytecode is in place, so that it measures the steady state (a pool
 * whose workers started before would measure {@code spillway.startup}'s caveat instead). For the
 * "attached after start" configuration the JVM starts without the agent, builds its objects, and
 * then attaches the agent to itself, as an operator would to a running service: classes already
 * loaded are retransformed, objects that exist are picked up at their next use, and workers that
 * were running keep the JDK's worker loop from before.
 */
final class BenchAgent {

  private static boolean attached;

  private BenchAgent() {}

  /** With {@code -javaagent}, waits until the agent (which starts in the background) is up. */
  static void awaitStarted() {
    boolean agent = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .anyMatch(arg -> arg.startsWith("-javaagent:"));
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (agent && System.getProperty("spillway.attach.result") == null && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  /** Attaches the jar named by {@code -Dbench.attach}, once per JVM; does nothing without it. */
  static synchronized void attachIfRequested() {
    String jar = System.getProperty("bench.attach");
    if (jar == null || attached) {
      return;
    }
    try {
      VirtualMachine vm = VirtualMachine.attach(Long.toString(ProcessHandle.current().pid()));
      try {
        vm.loadAgent(jar, System.getProperty("bench.attach.args", ""));
      } finally {
        vm.detach();
      }
      attached = true;
    } catch (Exception e) {
      throw new IllegalStateException("cannot attach " + jar + " (needs -Djdk.attach.allowAttachSelf=true)", e);
    }
    String result = System.getProperty("spillway.attach.result", "");
    if (!result.startsWith("started")) {
      throw new IllegalStateException("the agent did not start: " + result);
    }
  }
}
