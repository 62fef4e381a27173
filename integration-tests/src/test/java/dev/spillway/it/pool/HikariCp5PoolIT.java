package dev.spillway.it.pool;

/** HikariCP 5.x, with a configured pool name. */
class HikariCp5PoolIT extends AbstractPoolIT {
  @Override String library() { return "hikari"; }
  @Override String libraryJars() { return "hikari5"; }
  @Override String jdbcUrl() { return "jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1"; }
  @Override String configuredName() { return "orders-db"; }
  @Override String expectedName() { return "orders-db"; }
  // Hikari has no idle maximum.
  @Override boolean reportsIdleLimits() { return false; }
}
