package dev.spillway.agent;

import dev.spillway.agent.install.JdkWeaver;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.install.WovenMethod;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.Set;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.status.StatusSource;
import dev.spillway.agent.telemetry.Telemetry;

/**
 * One instrumented family (executors, queues, connection pools), as the agent drives it. The
 * agent starts every enabled family the same way, in this order: {@link #enforce}, {@link #start},
 * then the bytecode of all families is installed, then {@link #report}.
 */
public interface Family extends StatusSource {

  /** Plural, for the start-up line: "executors". */
  String name();

  /** The classes it rewrites and its advice, for Byte Buddy. */
  TypeInstrumentation instrumentation();

  /**
   * What the {@link JdkWeaver} rewrites of the JDK's classes at their first load under
   * {@code -javaagent}, before Byte Buddy is ready; the same entries as in {@link #instrumentation}.
   */
  default List<WovenMethod> rewrittenAtLoad() {
    return List.of();
  }

  /**
   * JDK classes of {@link #instrumentation} that stay as they are under {@code -javaagent} (binary
   * names): the {@link JdkWeaver} answers for them, leaving them unchanged, and Byte Buddy is not
   * built for them.
   */
  default Set<String> unchangedAtLoad() {
    return Set.of();
  }

  /** The {@link JdkWeaver} rewrote that class (binary name). */
  default void rewritten(String typeName) {
  }

  /** Applies shedding rules to its targets, from now on and after every rule change. */
  void enforce(RuleEngine rules);

  /** Connects its hooks: from now on its targets are tracked. */
  void start();

  /**
   * Once the weaver is ready, before and after the gate opens, before the classes that loaded
   * without their rewriting are retransformed: a family may choose to leave some as they are.
   * The second set contains the first.
   *
   * @param unwoven the classes that were loaded before their bytecode could be rewritten
   */
  default void loadedUnwoven(Set<String> unwoven) {
  }

  /**
   * Once the bytecode is in place: finds targets that existed before it and would otherwise be
   * seen only at their next use (an executor whose workers are all stuck gets none).
   *
   * @param unwoven the classes that were loaded before their bytecode was rewritten
   */
  default void discover(Instrumentation inst, Set<String> unwoven) {
  }

  /** Starts recording to the SDK; until then histograms are kept for it and counts are counted. */
  void report(Telemetry telemetry);

  /** Once a second, on the agent's housekeeping thread. */
  void housekeeping();

  /** Disconnects its hooks; rewritten classes call no-op hooks from then on. */
  void stop();
}
