package dev.spillway.agent.pool.httpclient4;

import dev.spillway.agent.pool.ApacheConnPoolAdapter;
import dev.spillway.agent.pool.Reflect.FieldReader;
import dev.spillway.agent.pool.Reflect.Getter;

/**
 * Reads Apache HttpClient 4.5's {@code PoolingHttpClientConnectionManager}, over its {@code CPool}
 * (an {@code AbstractConnPool}); closed when that pool {@code isShutdown()}. A lease that waits
 * too long fails with {@code ConnectionPoolTimeoutException} ("Timeout waiting for connection
 * from pool"), which is also what a shedding rule's refusal throws.
 */
public final class HttpClient4Adapter extends ApacheConnPoolAdapter {

  static final String MANAGER = "org.apache.http.impl.conn.PoolingHttpClientConnectionManager";
  static final String TIMEOUT = "org.apache.http.conn.ConnectionPoolTimeoutException";

  private final FieldReader pool = new FieldReader("pool");
  private final Getter shutdown = new Getter("isShutdown");

  public HttpClient4Adapter() {
    super(new String[] {"org.apache.http.", "org.apache.commons.logging."}, TIMEOUT);
  }

  @Override
  public String library() {
    return "Apache HttpClient 4.5";
  }

  @Override
  public boolean isClosed(Object manager) throws Exception {
    return (Boolean) shutdown.get(pool.get(manager));
  }
}
