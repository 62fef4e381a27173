package dev.spillway.it.pool;

/** Apache DBCP2 over commons-pool2, unnamed: the URL names it. */
class Dbcp2PoolIT extends AbstractPoolIT {
  @Override String library() { return "dbcp2"; }
  @Override String libraryJars() { return "dbcp2"; }
  @Override String jdbcUrl() { return "jdbc:h2:mem:inventory;DB_CLOSE_DELAY=-1"; }
  @Override String configuredName() { return null; }
  @Override String expectedName() { return "inventory"; }
  @Override long expectedCompleted() { return 1 + SIZE; }
}
