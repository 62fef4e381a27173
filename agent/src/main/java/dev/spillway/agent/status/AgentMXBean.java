package dev.spillway.agent.status;

import java.util.List;

/**
 * The running agent over JMX, as {@code dev.spillway:type=Agent}: what it tracks and a way to
 * take it out. The command line reads it through the JVM's local JMX connection.
 */
public interface AgentMXBean {

  String getVersion();

  /** When the agent started, in epoch milliseconds. */
  long getStartedAtMillis();

  /** Every tracked executor, queue and pool, fullest first. */
  List<TargetStatus> getTargets();

  /**
   * Undoes everything: the rewritten classes get their original bytecode back, export stops after
   * a last flush, threads and MBeans go. Returns a one-line summary.
   */
  String detach();
}
