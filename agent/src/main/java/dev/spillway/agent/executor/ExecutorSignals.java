package dev.spillway.agent.executor;

import dev.spillway.agent.shedding.TargetSignals;

/** What shedding rules read from an executor: its work queue's size and capacity. */
final class ExecutorSignals extends TargetSignals {

  private final ExecutorTracker tracker;

  ExecutorSignals(ExecutorTracker tracker) {
    this.tracker = tracker;
  }

  @Override
  public int queueSize() {
    Object executor = tracker.executor();
    return executor == null ? 0 : tracker.view.queueSize(executor);
  }

  @Override
  public long queueCapacity() {
    return tracker.capacity;
  }
}
