package dev.spillway.agent.shedding;

import java.util.Locale;

/** What a rule protects: an executor, a blocking queue or a connection pool. */
public enum TargetKind {
  EXECUTOR, QUEUE, POOL;

  /** As written in rule files and in the {@code spillway.target.kind} attribute. */
  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
