package dev.spillway.agent;

/**
 * Tells the queue family which queues are executors' work queues: those are reported once, as
 * part of their executor ({@code jvm.executor.queue.*}), never again as queues.
 */
public interface WorkQueues {

  /** No queue family: nothing to tell. */
  WorkQueues NONE = queue -> { };

  void claim(Object queue);

  /**
   * Has a claimed work queue ask {@code guard} before each insert, and refuse the insert when it
   * says so (null: no more guard). For executors that are observed, not rewritten.
   */
  default void guard(Object queue, Guard guard) {
  }

  /** Decides whether a work queue refuses an insert. */
  interface Guard {
    boolean refuses(Object element);
  }
}
