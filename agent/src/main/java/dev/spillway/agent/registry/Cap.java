package dev.spillway.agent.registry;

import dev.spillway.agent.AgentLog;

/**
 * A family's limit on series of its own ({@code spillway.<family>.max-tracked}): past it, targets
 * report together under the overflow series, and the agent says so once.
 */
public final class Cap {

  /** The name every target past the cap reports under. */
  public static final String OVERFLOW = "_overflow";

  private final int max;
  private final String targets;
  private final String attribute;
  private final String setting;
  private boolean warned;

  /**
   * @param targets what is counted, for the warning: "live executors"
   * @param attribute the attribute the overflow series carries: "jvm.executor.name"
   * @param setting the setting that raises the cap
   */
  public Cap(int max, String targets, String attribute, String setting) {
    this.max = max;
    this.targets = targets;
    this.attribute = attribute;
    this.setting = setting;
  }

  /** Whether {@code count} series already reach the cap. */
  public boolean isReached(int count) {
    return count >= max;
  }

  /** Whether {@code count} series reach the cap; the first time they do, says so. Caller synchronises. */
  public boolean overflows(int count) {
    if (count < max) {
      return false;
    }
    if (!warned) {
      warned = true;
      AgentLog.warn("more than " + max + " " + targets + ": later ones are reported together as "
          + attribute + "=" + OVERFLOW + " (raise " + setting + " to see them apart)");
    }
    return true;
  }
}
