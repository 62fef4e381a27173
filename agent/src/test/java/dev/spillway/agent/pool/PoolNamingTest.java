package dev.spillway.agent.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PoolNamingTest {

  @Test
  void serverUrlsGiveAddressPortAndNamespace() {
    assertThat(PoolNaming.fromJdbcUrl("jdbc:postgresql://db.internal:5432/orders?ssl=true"))
        .isEqualTo("db.internal:5432/orders");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:mysql://app:secret@mysql-1/shop")).isEqualTo("mysql-1/shop");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:mysql://a:3306,b:3306/shop")).isEqualTo("a:3306/shop");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:h2:tcp://localhost:9092/~/test;MODE=PostgreSQL"))
        .isEqualTo("localhost:9092/~/test");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:postgresql://[::1]:5432/orders")).isEqualTo("[::1]:5432/orders");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:postgresql://db")).isEqualTo("db");
  }

  @Test
  void vendorSyntaxesAreUnderstood() {
    assertThat(PoolNaming.fromJdbcUrl("jdbc:sqlserver://sql-1:1433;databaseName=billing;encrypt=true"))
        .isEqualTo("sql-1:1433/billing");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:oracle:thin:@ora-1:1521/ORCLPDB1")).isEqualTo("ora-1:1521/ORCLPDB1");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:oracle:thin:@//ora-1:1521/sales")).isEqualTo("ora-1:1521/sales");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:oracle:thin:@ora-1:1521:ORCL")).isEqualTo("ora-1:1521/ORCL");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:oracle:thin:@(DESCRIPTION=(ADDRESS=(PROTOCOL=TCP)(HOST=ora-2)"
        + "(PORT=1522))(CONNECT_DATA=(SERVICE_NAME=hr)))")).isEqualTo("ora-2:1522/hr");
  }

  @Test
  void urlsWithoutAServerGiveTheDatabaseAlone() {
    assertThat(PoolNaming.fromJdbcUrl("jdbc:h2:mem:orders;DB_CLOSE_DELAY=-1")).isEqualTo("orders");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:hsqldb:file:/data/app")).isEqualTo("/data/app");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:derby:memory:shop;create=true")).isEqualTo("shop");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:sqlite:app.db")).isEqualTo("app.db");
    assertThat(PoolNaming.fromJdbcUrl("jdbc:h2:mem:")).isNull();
    assertThat(PoolNaming.fromJdbcUrl("not a url")).isNull();
    assertThat(PoolNaming.fromJdbcUrl(null)).isNull();
  }

  @Test
  void configuredNameWinsThenUrlThenFallbackThenClass() {
    assertThat(PoolNaming.derive("orders-db", "jdbc:h2:mem:x", "F", "a.B")).isEqualTo("orders-db");
    assertThat(PoolNaming.derive(null, "jdbc:h2:mem:x", "F", "a.B")).isEqualTo("x");
    assertThat(PoolNaming.derive(" ", null, "com.acme.Factory", "a.B")).isEqualTo("com.acme.Factory");
    assertThat(PoolNaming.derive(null, null, null, "com.zaxxer.hikari.pool.HikariPool")).isEqualTo("HikariPool");
  }

  @Test
  void generatedValuesAreSkippedForTheNextRule() {
    // Spring Boot's embedded database: a fresh UUID at every start (issue 11).
    assertThat(PoolNaming.derive(null, "jdbc:h2:mem:818fe3a7-ca4e-4b5e-9a0c-2f1e7d3b6a11;DB_CLOSE_DELAY=-1",
        null, "com.zaxxer.hikari.pool.HikariPool")).isEqualTo("HikariPool");
    assertThat(PoolNaming.derive("e9b425e4-ca4e-4b5e-9a0c-2f1e7d3b6a11", "jdbc:h2:mem:orders", null, "a.B"))
        .isEqualTo("orders");
    assertThat(PoolNaming.derive(null, "jdbc:postgresql://db.internal:5432/818fe3a7-ca4e-4b5e-9a0c-2f1e7d3b6a11",
        null, "a.B")).isEqualTo("db.internal:5432");
    // A test container's random port on loopback: the host and database stay.
    assertThat(PoolNaming.derive(null, "jdbc:postgresql://localhost:54321/test", null, "a.B"))
        .isEqualTo("localhost/test");
    assertThat(PoolNaming.derive(null, "jdbc:postgresql://localhost:5432/test", null, "a.B"))
        .isEqualTo("localhost:5432/test");
    assertThat(PoolNaming.derive(null, null, "1hge1ftbb1a2p9w51gj5lqz|6c3a3c15", "x.C3P0Pool")).isEqualTo("C3P0Pool");
  }

  @Test
  void renamesApplyTheFirstMatchingGlob() {
    PoolNaming naming = new PoolNaming("db.internal:*/orders=orders-db; *=other ;bad");
    assertThat(naming.rename("db.internal:5432/orders")).isEqualTo("orders-db");
    assertThat(naming.rename("x")).isEqualTo("other");
  }
}
