package dev.spillway.bench;

import com.mchange.v2.c3p0.ComboPooledDataSource;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.tomcat.jdbc.pool.PoolProperties;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of {@code getConnection()} plus {@code close()} on a pool of four connections over an
 * in-memory H2 database, for each pool library the agent instruments: an uncontended borrow and
 * return, the path every JDBC call of an application takes. With the agent, that is the acquire
 * hooks, the borrow time kept on the pool's entry for sampled acquires and the release hook.
 * {@link BenchmarkMain} runs it without the agent and with it, in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PoolBenchmark {

  private static final String URL = "jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1";
  private static final int SIZE = 4;

  /** The pool library ({@code type}: the name {@link BenchmarkMain} prints beside the benchmark). */
  @Param({"hikari", "dbcp2", "tomcat", "c3p0", "agroal"})
  public String type;

  private DataSource dataSource;

  @Setup(Level.Trial)
  public void start() throws Exception {
    BenchAgent.awaitStarted();
    dataSource = create(type);
    dataSource.getConnection().close();
    BenchAgent.attachIfRequested();
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    // Each library's data source has a close(); Tomcat JDBC's is not AutoCloseable.
    dataSource.getClass().getMethod("close").invoke(dataSource);
  }

  @Benchmark
  public Connection getConnectionAndClose() throws SQLException {
    Connection connection = dataSource.getConnection();
    connection.close();
    return connection;
  }

  private static DataSource create(String library) throws Exception {
    switch (library) {
      case "hikari": {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(URL);
        config.setPoolName("bench-db");
        config.setMaximumPoolSize(SIZE);
        config.setMinimumIdle(SIZE);
        return new HikariDataSource(config);
      }
      case "dbcp2": {
        BasicDataSource source = new BasicDataSource();
        source.setUrl(URL);
        source.setMaxTotal(SIZE);
        source.setMaxIdle(SIZE);
        source.setInitialSize(SIZE);
        return source;
      }
      case "tomcat": {
        PoolProperties properties = new PoolProperties();
        properties.setUrl(URL);
        properties.setDriverClassName("org.h2.Driver");
        properties.setInitialSize(SIZE);
        properties.setMaxActive(SIZE);
        properties.setMaxIdle(SIZE);
        properties.setName("bench-db");
        return new org.apache.tomcat.jdbc.pool.DataSource(properties);
      }
      case "c3p0": {
        ComboPooledDataSource source = new ComboPooledDataSource();
        source.setDriverClass("org.h2.Driver");
        source.setJdbcUrl(URL);
        source.setInitialPoolSize(SIZE);
        source.setMinPoolSize(SIZE);
        source.setMaxPoolSize(SIZE);
        source.setDataSourceName("bench-db");
        return source;
      }
      case "agroal":
        return AgroalDataSource.from(new AgroalDataSourceConfigurationSupplier()
            .connectionPoolConfiguration(pool -> pool.initialSize(SIZE).minSize(SIZE).maxSize(SIZE)
                .connectionFactoryConfiguration(factory -> factory.jdbcUrl(URL))));
      default:
        throw new IllegalArgumentException("no pool library " + library);
    }
  }
}
