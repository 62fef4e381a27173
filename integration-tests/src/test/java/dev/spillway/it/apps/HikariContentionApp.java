package dev.spillway.it.apps;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A HikariCP pool as Spring Boot makes one for its embedded database: no pool name, a JDBC URL
 * whose database name is a fresh UUID ({@code jdbc:h2:mem:<uuid>}), and more borrowers than
 * connections, so that returned connections are handed off through the pool's
 * {@code SynchronousQueue} and most hand-off offers find no taker waiting.
 *
 * <p>Arguments: the JDBC URL. Commands: {@code go} builds the pool and prints {@code READY};
 * {@code load <threads> <millis>} borrows, queries and returns connections on that many threads
 * for that long and prints {@code LOADED <borrows>}; {@code exit}.
 */
public final class HikariContentionApp {

  public static void main(String[] args) throws Exception {
    String url = args[0];
    Scenario.await("go");
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(2);
    config.setMinimumIdle(1);
    config.setConnectionTimeout(30_000);
    HikariDataSource dataSource = new HikariDataSource(config);
    try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
        ResultSet r = s.executeQuery("SELECT 1")) {
      r.next();
    }
    Scenario.say("READY");
    while (true) {
      String[] command = Scenario.next().split(" ");
      switch (command[0]) {
        case "load":
          Scenario.say("LOADED " + load(dataSource, Integer.parseInt(command[1]), Long.parseLong(command[2])));
          break;
        case "exit":
          dataSource.close();
          System.exit(0);
          break;
        default:
          Scenario.say("UNKNOWN " + command[0]);
      }
    }
  }

  private static long load(HikariDataSource dataSource, int threads, long millis) throws InterruptedException {
    AtomicLong borrows = new AtomicLong();
    long end = System.nanoTime() + millis * 1_000_000;
    List<Thread> running = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread thread = new Thread(() -> {
        while (System.nanoTime() < end) {
          try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
              ResultSet r = s.executeQuery("SELECT 1")) {
            r.next();
            borrows.incrementAndGet();
          } catch (Exception e) {
            Scenario.say("FAILED " + e);
            return;
          }
        }
      }, "borrower-" + i);
      thread.start();
      running.add(thread);
    }
    for (Thread thread : running) {
      thread.join();
    }
    return borrows.get();
  }
}
