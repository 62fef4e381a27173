package dev.spillway.it.pool;

/**
 * Apache DBCP2 with a {@code jmxName}: the pool takes the data source's name, read through the
 * pool's factory (nothing of DBCP2 is rewritten).
 */
class Dbcp2NamedPoolIT extends AbstractPoolIT {
  @Override String library() { return "dbcp2"; }
  @Override String libraryJars() { return "dbcp2"; }
  @Override String jdbcUrl() { return "jdbc:h2:mem:inventory;DB_CLOSE_DELAY=-1"; }
  @Override String configuredName() { return "orders"; }
  @Override String expectedName() { return "dev.spillway.it:type=Pool,name=orders"; }
  @Override long expectedCompleted() { return 1 + SIZE; }
}
