package dev.spillway.agent.executor;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The identity one or more executors report under: {@code jvm.executor.name} and
 * {@code jvm.executor.type}, with every attribute set prebuilt so that nothing is allocated when
 * recording. All executors past the cap share the one overflow series.
 */
final class ExecutorSeries {

  static final AttributeKey<String> NAME = AttributeKey.stringKey("jvm.executor.name");
  static final AttributeKey<String> TYPE = AttributeKey.stringKey("jvm.executor.type");
  static final AttributeKey<String> THREAD_STATE = AttributeKey.stringKey("jvm.executor.thread.state");
  static final AttributeKey<String> REJECTION_REASON = AttributeKey.stringKey("jvm.executor.rejection.reason");
  static final AttributeKey<String> REJECTION_POLICY = AttributeKey.stringKey("jvm.executor.rejection.policy");

  /** The name (and type) every executor past {@code spillway.executor.max-tracked} reports under. */
  static final String OVERFLOW = "_overflow";

  final String name;
  final String type;
  final boolean overflow;
  final Attributes attributes;
  final Attributes active;
  final Attributes idle;
  private final AtomicReferenceArray<Attributes> rejected =
      new AtomicReferenceArray<>(RejectionReason.values().length * RejectionPolicy.values().length);

  /** Overflow only: what executors that left the overflow series had counted, so sums never drop. */
  final LongAdder retiredCompleted = new LongAdder();
  final Rejections retiredRejections = new Rejections();

  ExecutorSeries(String name, String type, boolean overflow) {
    this.name = name;
    this.type = type;
    this.overflow = overflow;
    this.attributes = Attributes.of(NAME, name, TYPE, type);
    this.active = attributes.toBuilder().put(THREAD_STATE, "active").build();
    this.idle = attributes.toBuilder().put(THREAD_STATE, "idle").build();
  }

  static ExecutorSeries overflow() {
    return new ExecutorSeries(OVERFLOW, OVERFLOW, true);
  }

  Attributes rejected(RejectionReason reason, RejectionPolicy policy) {
    int index = Rejections.index(reason, policy);
    Attributes cached = rejected.get(index);
    if (cached == null) {
      cached = attributes.toBuilder()
          .put(REJECTION_REASON, reason.value)
          .put(REJECTION_POLICY, policy.value)
          .build();
      rejected.set(index, cached);
    }
    return cached;
  }
}
