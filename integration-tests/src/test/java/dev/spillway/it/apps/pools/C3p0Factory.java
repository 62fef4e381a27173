package dev.spillway.it.apps.pools;

import com.mchange.v2.c3p0.ComboPooledDataSource;
import dev.spillway.it.apps.PoolApp;
import javax.sql.DataSource;

/** c3p0: a fixed-size pool (initial = minimum = maximum); checkout timeout as given. */
public final class C3p0Factory implements PoolApp.Factory {

  @Override
  public DataSource create(String url, int size, int timeoutMillis, String name) throws Exception {
    ComboPooledDataSource source = new ComboPooledDataSource();
    source.setDriverClass("org.h2.Driver");
    source.setJdbcUrl(url);
    source.setInitialPoolSize(size);
    source.setMinPoolSize(size);
    source.setMaxPoolSize(size);
    source.setAcquireIncrement(1);
    source.setCheckoutTimeout(timeoutMillis);
    if (name != null) {
      source.setDataSourceName(name);
    }
    return source;
  }

  @Override
  public void close(DataSource dataSource) {
    ((ComboPooledDataSource) dataSource).close();
  }
}
