package dev.spillway.agent.pool;

import io.opentelemetry.api.common.AttributeKey;

/**
 * What a pool pools, and so the names it reports under: JDBC connections
 * ({@code db.client.connection.*}, the database semantic conventions) or HTTP client connections
 * ({@code http.client.*}: {@code http.client.open_connections} by {@code http.connection.state}
 * where the HTTP conventions have a name, the rest mirroring the JDBC set). Each library's adapter
 * says which; the registry, hooks, rules and spans are the same for both.
 */
public enum PoolDomain {
  DB("db.client.connection", "db.client.connection.count", "db.client.connection.state", "used"),
  HTTP("http.client.connection", "http.client.open_connections", "http.connection.state", "active");

  /** The prefix of the names that mirror the JDBC set: {@code <prefix>.max}, {@code .pending_requests}... */
  final String prefix;
  /** The connection count, by {@link #state}. */
  final String count;
  final AttributeKey<String> poolName;
  final AttributeKey<String> state;
  /** The value of {@link #state} for connections handed out ({@code used}, or HTTP's {@code active}). */
  final String used;

  PoolDomain(String prefix, String count, String state, String used) {
    this.prefix = prefix;
    this.count = count;
    this.poolName = AttributeKey.stringKey(prefix + ".pool.name");
    this.state = AttributeKey.stringKey(state);
    this.used = used;
  }

  /** A name of the mirrored set: {@code name("max")} is {@code db.client.connection.max} or {@code http.client.connection.max}. */
  String name(String suffix) {
    return prefix + "." + suffix;
  }

  /** The slow-acquire span's name. */
  String acquireSpan() {
    return name("acquire");
  }
}
