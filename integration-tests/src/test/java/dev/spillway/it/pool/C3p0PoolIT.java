package dev.spillway.it.pool;

/** c3p0, unnamed: its random identity token does not count, the URL names it. */
class C3p0PoolIT extends AbstractPoolIT {
  @Override String library() { return "c3p0"; }
  @Override String libraryJars() { return "c3p0"; }
  @Override String jdbcUrl() { return "jdbc:h2:mem:shipping;DB_CLOSE_DELAY=-1"; }
  @Override String configuredName() { return null; }
  @Override String expectedName() { return "shipping"; }
  // c3p0's minPoolSize bounds all connections, not idle ones; it has no idle limits.
  @Override boolean reportsIdleLimits() { return false; }
}
