package dev.spillway.agent.queue;

import dev.spillway.agent.shedding.TargetSignals;
import dev.spillway.agent.util.QueueSizes;
import java.util.concurrent.BlockingQueue;

/** What shedding rules read from a queue: its size and capacity. */
final class QueueSignals extends TargetSignals {

  private final QueueTracker tracker;

  QueueSignals(QueueTracker tracker) {
    this.tracker = tracker;
  }

  @Override
  public int queueSize() {
    BlockingQueue<?> queue = tracker.queue();
    return queue == null ? 0 : QueueSizes.of(queue);
  }

  @Override
  public long queueCapacity() {
    return tracker.capacity;
  }
}
