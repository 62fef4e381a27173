package dev.spillway.agent.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.agent.pool.Reflect.NumberGetter;
import dev.spillway.agent.pool.agroal.AgroalAdapter;
import dev.spillway.agent.pool.c3p0.C3p0Adapter;
import dev.spillway.agent.pool.commonspool.CommonsPoolAdapter;
import dev.spillway.agent.pool.hikari.HikariAdapter;
import dev.spillway.agent.pool.tomcat.TomcatJdbcAdapter;
import java.lang.management.ManagementFactory;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ReflectTest {

  /** Stands for each library's pool: the waiter count under each library's getter name. */
  static class Base {
    private int getThreadsAwaitingConnection() {
      return 1000;
    }
  }

  static final class Pool extends Base {
    long awaitingCount() {
      return 1001;
    }

    public int getNumWaiters() {
      return 1002;
    }

    int getNumThreadsAwaitingCheckout() throws SQLException {
      return 1003;
    }

    public int getWaitCount() {
      return 1004;
    }

    Integer boxedCount() {
      return 1005;
    }

    String getName() {
      return "pool";
    }

    int broken() throws SQLException {
      throw new SQLException("closed");
    }
  }

  @Test
  void readsIntLongAndBoxedGettersPublicOrNotOnTheClassOrASuperclass() throws Exception {
    Pool pool = new Pool();
    assertThat(new NumberGetter("getThreadsAwaitingConnection").get(pool)).isEqualTo(1000);
    assertThat(new NumberGetter("awaitingCount").get(pool)).isEqualTo(1001);
    assertThat(new NumberGetter("getNumWaiters").get(pool)).isEqualTo(1002);
    assertThat(new NumberGetter("boxedCount").get(pool)).isEqualTo(1005);
  }

  @Test
  void aMissingOrNonNumericGetterThrowsAndTheGettersOwnFailurePassesThrough() {
    Pool pool = new Pool();
    assertThatThrownBy(() -> new NumberGetter("missing").get(pool)).isInstanceOf(NoSuchMethodException.class);
    assertThatThrownBy(() -> new NumberGetter("getName").get(pool)).isInstanceOf(NoSuchMethodException.class);
    assertThatThrownBy(() -> new NumberGetter("broken").get(pool))
        .isInstanceOf(SQLException.class).hasMessage("closed");
  }

  /**
   * Regression (issue 12): a rule on {@code pending} reads the waiter count on every admission; it
   * went through {@code Method.invoke}, boxing the count (16 bytes a read above 127). Now no read
   * of any library's count allocates.
   */
  @Test
  void readingPendingOnTheAdmissionPathAllocatesNothing() throws Exception {
    Pool pool = new Pool();
    PoolAdapter[] adapters = {new HikariAdapter(), new AgroalAdapter(), new CommonsPoolAdapter(),
        new C3p0Adapter(), new TomcatJdbcAdapter()};
    int[] expected = {1000, 1001, 1002, 1003, 1004};
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long thread = Thread.currentThread().getId();
    for (int a = 0; a < adapters.length; a++) {
      PoolAdapter adapter = adapters[a];
      long sum = 0;
      for (int i = 0; i < 50_000; i++) {
        sum += adapter.pending(pool);
      }
      int reads = 100_000;
      long before = threads.getThreadAllocatedBytes(thread);
      for (int i = 0; i < reads; i++) {
        sum += adapter.pending(pool);
      }
      long allocated = threads.getThreadAllocatedBytes(thread) - before;

      assertThat(sum).isEqualTo(150_000L * expected[a]);
      assertThat(allocated).as("bytes allocated by %d reads of %s's pending", reads, adapter.library())
          .isLessThan(reads / 10);
    }
  }
}
