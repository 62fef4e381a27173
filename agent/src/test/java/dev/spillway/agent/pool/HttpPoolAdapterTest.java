package dev.spillway.agent.pool;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.naming.HttpUser;
import com.example.naming.Owner;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import org.junit.jupiter.api.Test;

class HttpPoolAdapterTest {

  /** An HTTP client library living in {@code java.util.function} for the test's sake. */
  private static final class Adapter extends HttpPoolAdapter {
    Adapter(String timeoutType) {
      super(new String[] {"java.util.function."}, timeoutType);
    }

    @Override public String library() { return "test"; }
    @Override public void read(Object pool, PoolState into) { }
    @Override public int pending(Object pool) { return 0; }
    @Override public boolean isClosed(Object pool) { return false; }
    @Override public void readRoutes(Object pool, HttpRoutes into) { }
  }

  @Test
  void aPoolIsNamedAfterTheApplicationClassThatUsesItAnOuterClassForAnAnonymousOne() {
    Adapter adapter = new Adapter(null);
    assertThat(Owner.call(() -> adapter.nameAtFirstSight(new Object()))).isEqualTo("com.example.naming.Owner");
    // com.example.naming.HttpUser$1, an anonymous class: its outer class is the user.
    assertThat(HttpUser.fromAnonymousClass(adapter::nameAtFirstSight)).isEqualTo("com.example.naming.HttpUser");
  }

  @Test
  void noApplicationFrameGivesNoName() throws Exception {
    Adapter adapter = new Adapter(null);
    String[] name = {"unset"};
    Thread thread = new Thread(() -> name[0] = adapter.nameAtFirstSight(new Object()));
    thread.start();
    thread.join();
    // Only the JDK's Thread and this (agent) package on that stack.
    assertThat(name[0]).isNull();
  }

  @Test
  void aRefusalIsTheLibrarysTimeoutTypeWithTheRulesMessage() {
    Throwable refusal = new Adapter(SocketTimeoutException.class.getName()).refusal(new Object(), "shed by rule", false);
    assertThat(refusal).isExactlyInstanceOf(SocketTimeoutException.class).hasMessage("shed by rule");
    assertThat(new Adapter(SocketTimeoutException.class.getName()).isTimeout(new RuntimeException(refusal))).isTrue();

    Throwable fallback = new Adapter("com.example.Missing").refusal(new Object(), "shed by rule", false);
    assertThat(fallback).isExactlyInstanceOf(InterruptedIOException.class).hasMessage("shed by rule");
  }

  @Test
  void httpPoolsReportUnderHttpNamesAndKeepNothingPerConnection() throws Exception {
    Adapter adapter = new Adapter(null);
    assertThat(adapter.domain()).isEqualTo(PoolDomain.HTTP);
    assertThat(adapter.pooledItem(new Object())).isNull();
    PoolSeries series = new PoolSeries("payments", adapter.domain(), false);
    assertThat(series.used.asMap()).containsEntry(PoolDomain.HTTP.poolName, "payments")
        .containsEntry(PoolDomain.HTTP.state, "active");
    assertThat(PoolDomain.HTTP.poolName.getKey()).isEqualTo("http.client.connection.pool.name");
    assertThat(PoolDomain.HTTP.count).isEqualTo("http.client.open_connections");
    assertThat(PoolDomain.HTTP.acquireSpan()).isEqualTo("http.client.connection.acquire");
    assertThat(PoolDomain.DB.acquireSpan()).isEqualTo("db.client.connection.acquire");
  }
}
