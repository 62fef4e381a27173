package dev.spillway.it.apps.pools;

import dev.spillway.it.apps.PoolApp;
import java.time.Duration;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;

/** Apache DBCP2: connections made on demand, up to the size; max wait as given. */
public final class Dbcp2Factory implements PoolApp.Factory {

  @Override
  public DataSource create(String url, int size, int timeoutMillis, String name) {
    BasicDataSource source = new BasicDataSource();
    source.setUrl(url);
    source.setMaxTotal(size);
    source.setMaxIdle(size);
    source.setMinIdle(0);
    source.setInitialSize(0);
    source.setMaxWait(Duration.ofMillis(timeoutMillis));
    if (name != null) {
      source.setJmxName("dev.spillway.it:type=Pool,name=" + name);
    }
    return source;
  }

  @Override
  public void close(DataSource dataSource) throws Exception {
    ((BasicDataSource) dataSource).close();
  }
}
