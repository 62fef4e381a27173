package dev.spillway.it.pool;

/** Tomcat JDBC, with a configured pool name. */
class TomcatJdbcPoolIT extends AbstractPoolIT {
  @Override String library() { return "tomcat"; }
  @Override String libraryJars() { return "tomcat"; }
  @Override String jdbcUrl() { return "jdbc:h2:mem:billing;DB_CLOSE_DELAY=-1"; }
  @Override String configuredName() { return "billing-db"; }
  @Override String expectedName() { return "billing-db"; }
}
