package dev.spillway.agent.queue;

import dev.spillway.agent.timing.WaitSketch;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.atomic.LongAdder;

/**
 * The identity queues report under: {@code jvm.queue.name} and {@code jvm.queue.type}. All live
 * queues created at the same place share one series (one queue per connection is one series, not
 * thousands), so counters of queues that are gone are kept here and sums never go down.
 */
final class QueueSeries {

  static final AttributeKey<String> NAME = AttributeKey.stringKey("jvm.queue.name");
  static final AttributeKey<String> TYPE = AttributeKey.stringKey("jvm.queue.type");
  static final AttributeKey<String> OPERATION = AttributeKey.stringKey("jvm.queue.operation");
  static final AttributeKey<String> REASON = AttributeKey.stringKey("jvm.queue.rejection.reason");

  /** The name every queue past {@code spillway.queue.max-tracked} series reports under. */
  static final String OVERFLOW = "_overflow";

  final String name;
  final String type;
  final boolean overflow;
  final Attributes attributes;
  private final Attributes[] refused = new Attributes[Refusals.SIZE];

  /** Live queues in this series, and since when it has none. Guarded by the registry. */
  int members;
  long emptySince;
  /** What queues that left this series had counted. */
  final LongAdder retiredEnqueued = new LongAdder();
  final LongAdder retiredDequeued = new LongAdder();
  final Refusals retiredRefusals = new Refusals();
  /** Recent waits of its queues, for the command line's p99. */
  final WaitSketch waits = new WaitSketch();

  QueueSeries(String name, String type, boolean overflow) {
    this.name = name;
    this.type = type;
    this.overflow = overflow;
    this.attributes = Attributes.of(NAME, name, TYPE, type);
    for (int operation = 0; operation < Refusals.OPERATIONS.length; operation++) {
      for (int reason = 0; reason < Refusals.REASONS.length; reason++) {
        refused[Refusals.index(operation, reason)] = attributes.toBuilder()
            .put(OPERATION, Refusals.OPERATIONS[operation])
            .put(REASON, Refusals.REASONS[reason])
            .build();
      }
    }
  }

  /** True while no queue that left this series had counted anything. */
  boolean countedNothing() {
    return retiredEnqueued.sum() == 0 && retiredDequeued.sum() == 0 && retiredRefusals.isEmpty();
  }

  Attributes refused(int index) {
    return refused[index];
  }
}
