package dev.spillway.it.pool;

/** HikariCP 7.x, unnamed: Hikari's own "HikariPool-1" does not count, the URL names it. */
class HikariCp7PoolIT extends AbstractPoolIT {
  @Override String library() { return "hikari"; }
  @Override String libraryJars() { return "hikari7"; }
  @Override String jdbcUrl() { return "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1"; }
  @Override String configuredName() { return null; }
  @Override String expectedName() { return "orders"; }
  @Override boolean reportsIdleLimits() { return false; }
}
