package dev.spillway.it.pool;

/** HikariCP 6.x, with a configured pool name. */
class HikariCp6PoolIT extends AbstractPoolIT {
  @Override String library() { return "hikari"; }
  @Override String libraryJars() { return "hikari6"; }
  @Override String jdbcUrl() { return "jdbc:h2:mem:payments;DB_CLOSE_DELAY=-1"; }
  @Override String configuredName() { return "payments-db"; }
  @Override String expectedName() { return "payments-db"; }
  @Override boolean reportsIdleLimits() { return false; }
}
