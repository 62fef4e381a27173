package dev.spillway.agent.executor;

import java.util.concurrent.atomic.LongAdder;

/**
 * The runs of one pool that does not count them itself (JBoss Threads' executor leaves its active
 * and completed counts at -1 unless statistics were switched on when its class loaded): two
 * striped counters, one increment each at a task's start and end, on the worker thread.
 *
 * <p>Only tasks whose run started in woven code are counted: a task running when the agent
 * arrived (an attach) runs the old bytecode to its end, neither started nor ended here, so active
 * never goes below the truth by more than those in-flight tasks, and never below zero.
 */
public final class RunCounts {

  private final LongAdder started = new LongAdder();
  private final LongAdder ended = new LongAdder();

  void started() {
    started.increment();
  }

  void ended() {
    ended.increment();
  }

  /** Tasks running now. Read ended first: a task that ends between the two reads is not counted as running twice. */
  public int active() {
    long done = ended.sum();
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, started.sum() - done));
  }

  /** Tasks that ran to their end (or threw) since the agent saw the pool. */
  public long completed() {
    return ended.sum();
  }
}
