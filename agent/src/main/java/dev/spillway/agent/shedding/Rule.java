package dev.spillway.agent.shedding;

import dev.spillway.agent.util.Glob;
import java.util.List;

/** One shedding rule, as read from a rule file. Immutable. */
public final class Rule {

  private final String name;
  private final TargetKind target;
  private final Glob match;
  private final List<Condition> when;
  private final Action action;
  private final Mode mode;

  public Rule(String name, TargetKind target, Glob match, List<Condition> when, Action action, Mode mode) {
    this.name = name;
    this.target = target;
    this.match = match;
    this.when = List.copyOf(when);
    this.action = action;
    this.mode = mode;
  }

  public String name() {
    return name;
  }

  public TargetKind target() {
    return target;
  }

  public Glob match() {
    return match;
  }

  /** All must hold for the rule to fire. */
  public List<Condition> when() {
    return when;
  }

  public Action action() {
    return action;
  }

  public Mode mode() {
    return mode;
  }

  /** Whether this rule protects the application's target of that kind and name. */
  public boolean applies(TargetKind kind, String targetName) {
    return applies(kind, targetName, false);
  }

  /**
   * Whether this rule protects the target of that kind and name; one of the JDK's own
   * ({@code jdkOwned}) only when the rule names it exactly: no wildcard reaches the JDK's
   * executors and queues (see {@link dev.spillway.agent.util.JdkCode}).
   */
  public boolean applies(TargetKind kind, String targetName, boolean jdkOwned) {
    return target == kind && (!jdkOwned || !match.isWildcard()) && match.matches(targetName);
  }

  @Override
  public String toString() {
    return name;
  }
}
