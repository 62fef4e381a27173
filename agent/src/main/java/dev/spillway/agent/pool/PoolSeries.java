package dev.spillway.agent.pool;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import java.util.concurrent.atomic.LongAdder;

/**
 * The identity one or more pools report under, {@code db.client.connection.pool.name} (or
 * {@code http.client.connection.pool.name}, see {@link PoolDomain}), with its attribute sets
 * prebuilt so that nothing is allocated when recording. All pools of a domain past the cap share
 * its one overflow series.
 */
final class PoolSeries {

  /** The JDBC pool name; {@link PoolDomain#poolName} gives each domain's. */
  static final AttributeKey<String> POOL_NAME = PoolDomain.DB.poolName;

  /** The name every pool past {@code spillway.pool.max-tracked} reports under. */
  static final String OVERFLOW = "_overflow";

  final String name;
  final PoolDomain domain;
  final boolean overflow;
  final Attributes attributes;
  final Attributes used;
  final Attributes idle;
  /** HTTP: the row of the routes past {@code spillway.pool.max-routes} (active, idle, requests); see {@link RouteSeries}. */
  final Attributes[] otherRoutes;

  /** Overflow only: what pools that left the overflow series had counted, so sums never drop. */
  final LongAdder retiredTimeouts = new LongAdder();
  final LongAdder retiredSheds = new LongAdder();

  PoolSeries(String name, PoolDomain domain, boolean overflow) {
    this.name = name;
    this.domain = domain;
    this.overflow = overflow;
    this.attributes = Attributes.of(domain.poolName, name);
    this.used = attributes.toBuilder().put(domain.state, domain.used).build();
    this.idle = attributes.toBuilder().put(domain.state, "idle").build();
    this.otherRoutes = RouteSeries.routeAttributes(this, RouteSeries.SERVER_ADDRESS, OVERFLOW, attributes.toBuilder());
  }

  static PoolSeries overflow(PoolDomain domain) {
    return new PoolSeries(OVERFLOW, domain, true);
  }
}
