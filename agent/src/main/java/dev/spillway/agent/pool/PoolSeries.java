package dev.spillway.agent.pool;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.atomic.LongAdder;

/**
 * The identity one or more pools report under, {@code db.client.connection.pool.name}, with its
 * attribute sets prebuilt so that nothing is allocated when recording. All pools past the cap
 * share the one overflow series.
 */
final class PoolSeries {

  static final AttributeKey<String> POOL_NAME = AttributeKey.stringKey("db.client.connection.pool.name");
  static final AttributeKey<String> STATE = AttributeKey.stringKey("db.client.connection.state");

  /** The name every pool past {@code spillway.pool.max-tracked} reports under. */
  static final String OVERFLOW = "_overflow";

  final String name;
  final boolean overflow;
  final Attributes attributes;
  final Attributes used;
  final Attributes idle;

  /** Overflow only: what pools that left the overflow series had counted, so sums never drop. */
  final LongAdder retiredTimeouts = new LongAdder();
  final LongAdder retiredSheds = new LongAdder();

  PoolSeries(String name, boolean overflow) {
    this.name = name;
    this.overflow = overflow;
    this.attributes = Attributes.of(POOL_NAME, name);
    this.used = attributes.toBuilder().put(STATE, "used").build();
    this.idle = attributes.toBuilder().put(STATE, "idle").build();
  }

  static PoolSeries overflow() {
    return new PoolSeries(OVERFLOW, true);
  }
}
