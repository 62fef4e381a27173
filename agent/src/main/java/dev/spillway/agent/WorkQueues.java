package dev.spillway.agent;

/**
 * Tells the queue family which queues are executors' work queues: those are reported once, as
 * part of their executor ({@code jvm.executor.queue.*}), never again as queues.
 */
public interface WorkQueues {

  /** No queue family: nothing to tell. */
  WorkQueues NONE = queue -> { };

  void claim(Object queue);
}
