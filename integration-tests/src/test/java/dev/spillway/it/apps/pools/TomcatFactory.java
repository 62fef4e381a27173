package dev.spillway.it.apps.pools;

import dev.spillway.it.apps.PoolApp;
import javax.sql.DataSource;
import org.apache.tomcat.jdbc.pool.PoolProperties;

/** Tomcat JDBC: no initial connections, up to the size; max wait as given. */
public final class TomcatFactory implements PoolApp.Factory {

  @Override
  public DataSource create(String url, int size, int timeoutMillis, String name) {
    PoolProperties properties = new PoolProperties();
    properties.setUrl(url);
    properties.setDriverClassName("org.h2.Driver");
    properties.setInitialSize(0);
    properties.setMaxActive(size);
    properties.setMaxIdle(size);
    properties.setMinIdle(0);
    properties.setMaxWait(timeoutMillis);
    if (name != null) {
      properties.setName(name);
    }
    return new org.apache.tomcat.jdbc.pool.DataSource(properties);
  }

  @Override
  public void close(DataSource dataSource) {
    ((org.apache.tomcat.jdbc.pool.DataSource) dataSource).close();
  }
}
