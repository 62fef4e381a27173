package dev.spillway.it.pool;

/** Agroal, which has no pool name: named from its database. */
class AgroalPoolIT extends AbstractPoolIT {
  @Override String library() { return "agroal"; }
  @Override String libraryJars() { return "agroal"; }
  @Override String jdbcUrl() { return "jdbc:h2:mem:ledger;DB_CLOSE_DELAY=-1"; }
  @Override String configuredName() { return null; }
  @Override String expectedName() { return "ledger"; }
  @Override boolean reportsIdleLimits() { return false; }
}
