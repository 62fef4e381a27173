package dev.spillway.agent.shedding;

import java.util.Locale;

/** What shedding does to the refused work. */
public enum Action {
  /**
   * Fail at once, the way the target fails when full: an executor throws
   * {@code RejectedExecutionException}, a queue's {@code offer} returns false, a pool throws
   * {@code SQLTransientConnectionException}; each message names the rule.
   */
  REJECT,
  /** Executors only: hand the task to the executor's own {@code RejectedExecutionHandler}. */
  HANDLER;

  public String value() {
    return name().toLowerCase(Locale.ROOT);
  }
}
