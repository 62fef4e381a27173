package dev.spillway.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.naming.Owner;
import dev.spillway.agent.util.CallSites;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExecutorNamingTest {

  private static final String TPE = "java.util.concurrent.ThreadPoolExecutor";

  @Test
  void threadNameLosesItsTrailingNumber() {
    assertThat(ExecutorNaming.fromThreadName("http-nio-8080-exec-7")).isEqualTo("http-nio-8080-exec");
    assertThat(ExecutorNaming.fromThreadName("orders_12")).isEqualTo("orders");
    assertThat(ExecutorNaming.fromThreadName("worker #3")).isEqualTo("worker");
  }

  @Test
  void threadNameWithoutNumberIsKept() {
    assertThat(ExecutorNaming.fromThreadName("worker")).isEqualTo("worker");
  }

  @Test
  void generatedThreadNamesSayNothing() {
    // Jetty's default pool name is qtp + identity hash: another one at every start (issue 11).
    assertThat(ExecutorNaming.fromThreadName("qtp1365202186-17")).isNull();
    assertThat(ExecutorNaming.derive("qtp1365202186-17", "com.acme.Server", null, "a.B")).isEqualTo("com.acme.Server");
    // Jetty's scheduler, "Scheduler-" + its identity hash, found on Spring Boot with Jetty.
    assertThat(ExecutorNaming.fromThreadName("Scheduler-1403649277-1")).isNull();
    assertThat(ExecutorNaming.fromThreadName("job-818fe3a7-ca4e-4b5e-9a0c-2f1e7d3b6a11-1")).isNull();
  }

  /** As Spring's CustomizableThreadFactory: tells the prefix of the names it gives. */
  public static final class PrefixFactory implements ThreadFactory {
    public String getThreadNamePrefix() {
      return "task-";
    }

    @Override
    public Thread newThread(Runnable task) {
      throw new AssertionError("naming must never make a thread");
    }
  }

  @Test
  void threadNamesKnownBeforeAnyThreadNameAnIdleExecutor() {
    ThreadPoolExecutor jdkDefault = (ThreadPoolExecutor)
        Executors.newFixedThreadPool(1);
    ThreadPoolExecutor prefixed = new ThreadPoolExecutor(1, 1, 1,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), new PrefixFactory());
    ThreadPoolExecutor custom = new ThreadPoolExecutor(1, 1, 1,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> new Thread(r));
    ThreadPoolExecutor subclass = new ThreadPoolExecutor(1, 1, 1,
        TimeUnit.SECONDS, new LinkedBlockingQueue<>()) { };
    try {
      assertThat(ExecutorNaming.threadNameBeforeThreads(jdkDefault)).isEmpty();
      assertThat(ExecutorNaming.derive(ExecutorNaming.threadNameBeforeThreads(jdkDefault), "com.acme.Orders", null,
          "ThreadPoolExecutor")).isEqualTo("com.acme.Orders");
      assertThat(ExecutorNaming.threadNameBeforeThreads(prefixed)).isEqualTo("task-1");
      assertThat(ExecutorNaming.fromThreadName(ExecutorNaming.threadNameBeforeThreads(prefixed))).isEqualTo("task");
      assertThat(ExecutorNaming.threadNameBeforeThreads(custom)).as("only a thread can tell").isNull();
      assertThat(ExecutorNaming.threadNameBeforeThreads(subclass)).as("may swap its factory").isNull();
      assertThat(ExecutorNaming.threadNameBeforeThreads(null)).isNull();
    } finally {
      jdkDefault.shutdown();
      prefixed.shutdown();
      custom.shutdown();
      subclass.shutdown();
    }
  }

  @Test
  void jdkDefaultThreadNamesSayNothing() {
    assertThat(ExecutorNaming.fromThreadName("pool-3-thread-1")).isNull();
    assertThat(ExecutorNaming.fromThreadName("pool-12-thread-40")).isNull();
    assertThat(ExecutorNaming.fromThreadName("Thread-12")).isNull();
    // A ForkJoinPool's default: its number is its creation order.
    assertThat(ExecutorNaming.fromThreadName("ForkJoinPool-3-worker-1")).isNull();
    assertThat(ExecutorNaming.derive("ForkJoinPool-3-worker-1", null, null,
        "java.util.concurrent.ForkJoinPool")).isEqualTo("ForkJoinPool");
  }

  @Test
  void numbersAloneAndBlankNamesSayNothing() {
    assertThat(ExecutorNaming.fromThreadName("12")).isNull();
    assertThat(ExecutorNaming.fromThreadName("")).isNull();
    assertThat(ExecutorNaming.fromThreadName("  ")).isNull();
    assertThat(ExecutorNaming.fromThreadName(null)).isNull();
  }

  @Test
  void deriveUsesTheThreadNameFirst() {
    assertThat(ExecutorNaming.derive("orders-1", "com.acme.Built", "com.acme.Submitted", TPE))
        .isEqualTo("orders");
  }

  @Test
  void deriveFallsBackToTheConstructionSite() {
    assertThat(ExecutorNaming.derive("pool-1-thread-1", "com.acme.Built", "com.acme.Submitted", TPE))
        .isEqualTo("com.acme.Built");
    assertThat(ExecutorNaming.derive(null, "com.acme.Built", "com.acme.Submitted", TPE))
        .isEqualTo("com.acme.Built");
  }

  @Test
  void deriveFallsBackToTheSubmitSite() {
    assertThat(ExecutorNaming.derive("Thread-4", null, "com.acme.Submitted", TPE))
        .isEqualTo("com.acme.Submitted");
  }

  @Test
  void deriveFallsBackToTheSimpleTypeName() {
    assertThat(ExecutorNaming.derive(null, null, null, TPE)).isEqualTo("ThreadPoolExecutor");
    assertThat(ExecutorNaming.derive("", null, null, "com.acme.Outer$Pool")).isEqualTo("Outer$Pool");
    assertThat(ExecutorNaming.derive(null, null, null, "NoPackage")).isEqualTo("NoPackage");
  }

  @Test
  void renameAppliesGlobsToTheDerivedName() {
    ExecutorNaming naming = new ExecutorNaming("com.acme.OrderService=orders;http-nio-*-exec=http");

    assertThat(naming.rename("com.acme.OrderService")).isEqualTo("orders");
    assertThat(naming.rename("http-nio-8080-exec")).isEqualTo("http");
    assertThat(naming.rename("comXacme.OrderService")).isEqualTo("comXacme.OrderService");
    assertThat(naming.rename("worker")).isEqualTo("worker");
  }

  @Test
  void firstMatchingRenameWins() {
    ExecutorNaming naming = new ExecutorNaming("*-exec=first; http-* = second ;http-nio-exec=third");

    assertThat(naming.rename("http-nio-exec")).isEqualTo("first");
    assertThat(naming.rename("http-client")).isEqualTo("second");
  }

  @Test
  void aRepeatedGlobKeepsItsFirstName() {
    ExecutorNaming naming = new ExecutorNaming("orders=a;orders=b");

    assertThat(naming.rename("orders")).isEqualTo("a");
  }

  @Test
  void malformedRenamesAreIgnoredAndTheRestApply() {
    ExecutorNaming naming = new ExecutorNaming("no-equals;=nameless;globless=;;good=fine");

    assertThat(naming.rename("no-equals")).isEqualTo("no-equals");
    assertThat(naming.rename("")).isEqualTo("");
    assertThat(naming.rename("globless")).isEqualTo("globless");
    assertThat(naming.rename("good")).isEqualTo("fine");
  }

  @Test
  void emptyOrMissingRenameSpecRenamesNothing() {
    assertThat(new ExecutorNaming("").rename("x")).isEqualTo("x");
    assertThat(new ExecutorNaming(null).rename("x")).isEqualTo("x");
  }

  @Test
  void classNameDropsLambdaAndHiddenClassSuffixes() {
    assertThat(CallSites.className("com.acme.Foo$$Lambda/0x0000000800c0b000")).isEqualTo("com.acme.Foo");
    assertThat(CallSites.className("com.acme.Foo$$Lambda$14/0x0000000800c0b000")).isEqualTo("com.acme.Foo");
    assertThat(CallSites.className("com.acme.Foo$$Lambda$14")).isEqualTo("com.acme.Foo");
    assertThat(CallSites.className("com.acme.Proxy/0x0000000800c0c000")).isEqualTo("com.acme.Proxy");
  }

  @Test
  void classNameKeepsOrdinaryNestedClasses() {
    assertThat(CallSites.className("com.acme.Foo$Inner")).isEqualTo("com.acme.Foo$Inner");
    assertThat(CallSites.className("com.acme.Foo$1")).isEqualTo("com.acme.Foo$1");
  }

  @Test
  void callSiteIsTheFirstApplicationFrame() {
    // This test's own frames are in dev.spillway, so skipped; the lambda is a hidden frame.
    String site = Owner.call(ExecutorNaming::callSite);

    assertThat(site).isEqualTo("com.example.naming.Owner");
  }

  @Test
  void callSiteSkipsTheConstructorOfAnExecutorSubclass() {
    String site = Owner.constructPool(ExecutorNaming::callSite);

    assertThat(site).isEqualTo("com.example.naming.Owner");
  }
}
