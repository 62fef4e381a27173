package dev.spillway.agent.launch;

import java.io.File;
import java.lang.instrument.Instrumentation;

/**
 * How the launcher starts the agent inside its class loader: the agent's entry class hands one to
 * {@link Launcher#handOver} as it initializes, so that no reflection is needed (from JDK 18 on,
 * a reflective call spins a method handle and its classes: about 1 MB allocated on JDK 25).
 */
public interface AgentEntry {

  /** {@code Agent.start}: never throws for a start that fails; the gate is opened or closed. */
  void start(String args, Instrumentation inst, File jar, boolean attached, WeavingGate gate);
}
