package dev.spillway.agent.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.instrument.ClassFileTransformer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WeavingGateTest {

  private static final String HELD = "java.util.concurrent.ThreadPoolExecutor";
  private static final byte[] ORIGINAL = {1};
  private static final byte[] WOVEN = {2};
  private static final ClassFileTransformer WEAVER = new ClassFileTransformer() {
    @Override
    public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
        java.security.ProtectionDomain domain, byte[] bytes) {
      return WOVEN;
    }
  };

  private static byte[] load(WeavingGate gate, String binaryName) throws Exception {
    return gate.transform(Object.class.getModule(), null, binaryName.replace('.', '/'), null, null, ORIGINAL);
  }

  @Test
  void aClassItDoesNotRewriteLoadsAtOnceUnchanged() throws Exception {
    WeavingGate gate = new WeavingGate(Set.of(HELD), 60_000);

    assertThat(load(gate, "java.util.ArrayList")).isNull();
  }

  @Test
  void aRewrittenClassWaitsForTheWeaverAndGetsItsBytecode() throws Exception {
    WeavingGate gate = new WeavingGate(Set.of(HELD), 60_000);
    CountDownLatch loading = new CountDownLatch(1);
    CompletableFuture<byte[]> loaded = CompletableFuture.supplyAsync(() -> {
      loading.countDown();
      try {
        return load(gate, HELD);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    loading.await();

    assertThat(loaded).isNotDone();
    gate.open(WEAVER);
    assertThat(loaded.get(10, TimeUnit.SECONDS)).isEqualTo(WOVEN);
    assertThat(load(gate, HELD)).isEqualTo(WOVEN);
  }

  /** Under -javaagent the JDK's classes go on with the early (ASM) weaver; a library's wait for Byte Buddy. */
  @Test
  void theEarlyWeaverReleasesTheJdksClassesOnlyAndKeepsThemForGood() throws Exception {
    String library = "com.zaxxer.hikari.pool.HikariPool";
    byte[] early = {3};
    ClassFileTransformer jdkWeaver = new ClassFileTransformer() {
      @Override
      public byte[] transform(Module module, ClassLoader loader, String name, Class<?> redefined,
          java.security.ProtectionDomain domain, byte[] bytes) {
        return early;
      }
    };
    // A JDK class that only the full weaver rewrites waits for it, as a library's does.
    String otherJdk = "java.lang.VirtualThread";
    WeavingGate gate = new WeavingGate(Set.of(HELD, library, otherJdk), 60_000);
    CompletableFuture<byte[]> jdk = loadAsync(gate, HELD);
    CompletableFuture<byte[]> pool = loadAsync(gate, library);
    CompletableFuture<byte[]> virtual = loadAsync(gate, otherJdk);
    Thread.sleep(50);
    assertThat(jdk).isNotDone();

    gate.openEarly(jdkWeaver, Set.of(HELD));
    assertThat(jdk.get(10, TimeUnit.SECONDS)).isEqualTo(early);
    assertThat(pool).isNotDone();
    assertThat(virtual).isNotDone();

    gate.open(WEAVER);
    assertThat(pool.get(10, TimeUnit.SECONDS)).isEqualTo(WOVEN);
    assertThat(virtual.get(10, TimeUnit.SECONDS)).isEqualTo(WOVEN);
    // Later loads and retransformations of a JDK class keep the early weaver's bytecode.
    assertThat(load(gate, HELD)).isEqualTo(early);
    assertThat(gate.transform(Object.class.getModule(), null, HELD.replace('.', '/'), Object.class, null, ORIGINAL))
        .isEqualTo(early);
  }

  private static CompletableFuture<byte[]> loadAsync(WeavingGate gate, String binaryName) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return load(gate, binaryName);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }, runnable -> new Thread(runnable).start());
  }

  @Test
  void theThreadThatBuildsTheWeaverNeverWaitsForItself() throws Exception {
    WeavingGate gate = new WeavingGate(Set.of(HELD), 60_000);
    gate.builtBy(Thread.currentThread());

    assertThat(load(gate, HELD)).isNull();
  }

  @Test
  void aLateWeaverLetsTheClassLoadUnchangedAfterTheHold() throws Exception {
    WeavingGate gate = new WeavingGate(Set.of(HELD), 50);

    long started = System.nanoTime();
    assertThat(load(gate, HELD)).isNull();
    assertThat(System.nanoTime() - started).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(50));
  }

  @Test
  void inBackgroundModeNothingWaits() throws Exception {
    WeavingGate gate = new WeavingGate(Set.of(HELD), 0);

    assertThat(load(gate, HELD)).isNull();
  }

  @Test
  void givingUpReleasesHeldLoadsUnchanged() throws Exception {
    WeavingGate gate = new WeavingGate(Set.of(HELD), 60_000);
    CompletableFuture<byte[]> loaded = CompletableFuture.supplyAsync(() -> {
      try {
        return load(gate, HELD);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });

    gate.giveUp();
    assertThat(loaded.get(10, TimeUnit.SECONDS)).isNull();
  }
}
