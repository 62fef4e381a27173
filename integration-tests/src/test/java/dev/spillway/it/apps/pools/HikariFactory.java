package dev.spillway.it.apps.pools;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.spillway.it.apps.PoolApp;
import javax.sql.DataSource;

/** HikariCP: fixed size (minimum idle = maximum), connection timeout as given. */
public final class HikariFactory implements PoolApp.Factory {

  @Override
  public DataSource create(String url, int size, int timeoutMillis, String name) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(size);
    config.setMinimumIdle(size);
    config.setConnectionTimeout(timeoutMillis);
    if (name != null) {
      config.setPoolName(name);
    }
    return new HikariDataSource(config);
  }

  @Override
  public void close(DataSource dataSource) {
    ((HikariDataSource) dataSource).close();
  }
}
