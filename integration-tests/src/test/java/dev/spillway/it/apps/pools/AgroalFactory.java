package dev.spillway.it.apps.pools;

import dev.spillway.it.apps.PoolApp;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import java.time.Duration;
import javax.sql.DataSource;

/** Agroal: no initial connections, up to the size; acquisition timeout as given. It has no pool name. */
public final class AgroalFactory implements PoolApp.Factory {

  @Override
  public DataSource create(String url, int size, int timeoutMillis, String name) throws Exception {
    AgroalDataSourceConfigurationSupplier configuration = new AgroalDataSourceConfigurationSupplier()
        .connectionPoolConfiguration(pool -> pool
            .initialSize(0)
            .minSize(0)
            .maxSize(size)
            .acquisitionTimeout(Duration.ofMillis(timeoutMillis))
            .connectionFactoryConfiguration(factory -> factory.jdbcUrl(url)));
    return AgroalDataSource.from(configuration);
  }

  @Override
  public void close(DataSource dataSource) {
    ((AgroalDataSource) dataSource).close();
  }
}
