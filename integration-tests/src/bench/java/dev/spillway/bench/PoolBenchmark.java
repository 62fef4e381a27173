package dev.spillway.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of {@code getConnection()} plus {@code close()} on a HikariCP pool over an in-memory H2
 * database: an uncontended borrow and return, the path every JDBC call of an application takes.
 * With the agent, that is the acquire hooks (two identity lookups, two clock reads, the wait-time
 * record), the borrow time kept on the pool's entry and the release hook (a lookup, a clock read,
 * the use-time record). {@link BenchmarkMain} runs it without the agent and with it, in one run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PoolBenchmark {

  private HikariDataSource dataSource;

  @Setup(Level.Trial)
  public void start() throws SQLException {
    BenchAgent.awaitStarted();
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl("jdbc:h2:mem:bench;DB_CLOSE_DELAY=-1");
    config.setPoolName("bench-db");
    config.setMaximumPoolSize(4);
    config.setMinimumIdle(4);
    dataSource = new HikariDataSource(config);
    dataSource.getConnection().close();
    BenchAgent.attachIfRequested();
  }

  @TearDown(Level.Trial)
  public void stop() {
    dataSource.close();
  }

  @Benchmark
  public Connection getConnectionAndClose() throws SQLException {
    Connection connection = dataSource.getConnection();
    connection.close();
    return connection;
  }
}
