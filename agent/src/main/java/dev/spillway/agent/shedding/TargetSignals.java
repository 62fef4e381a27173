package dev.spillway.agent.shedding;

/**
 * What a rule's conditions read from its target, on the task path: O(1), no allocation. Each
 * family implements it over its own live object (held weakly). -1 means "not known here".
 */
public abstract class TargetSignals {

  /** Items waiting in the target's queue. */
  public abstract int queueSize();

  /** The queue's capacity; -1 when unbounded or unknown. */
  public abstract long queueCapacity();

  /** Requests waiting for a connection (pools). */
  public int pending() {
    return -1;
  }
}
