package dev.spillway.agent.executor;

/**
 * The limits of what built a group of executors, where they are its own rather than the sum of
 * its executors' (Reactor's bounded elastic scheduler: it adds single-thread workers up to its
 * own cap as demand grows, so the live workers' limits say how many it has, not how many it may
 * have). Read at collection and {@code status} only.
 */
public interface OwnerLimits {

  /** What a getter answers once the owner is gone or unreadable: the members' sums stand. */
  long UNKNOWN = -2;

  /** The most threads, or {@link #UNKNOWN}. */
  long threadLimit();

  /** The most tasks queued over all its executors, {@code -1} when unbounded, or {@link #UNKNOWN}. */
  long queueCapacity();
}
