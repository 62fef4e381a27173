package dev.spillway.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.agent.WorkQueues;
import dev.spillway.agent.config.Settings.TimingMode;
import dev.spillway.agent.executor.ExecutorRegistry.Sighting;
import dev.spillway.agent.shedding.Action;
import dev.spillway.agent.shedding.Mode;
import dev.spillway.agent.shedding.Rule;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.shedding.RuleSet;
import dev.spillway.agent.shedding.TargetKind;
import dev.spillway.agent.shedding.Threshold;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.agent.timing.TaskSampling;
import dev.spillway.agent.util.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The executor hook delegate, called as the advice calls it (the JDK is not rewritten in unit
 * tests). Executors use the JDK's thread factory: one of the agent's loader marks them ignored.
 */
class ExecutorHookDelegateTest {

  private final ExecutorRegistry registry = new ExecutorRegistry(new ExecutorNaming(""), 10,
      new TaskSampling(TimingMode.ALL, 1000), WorkQueues.NONE);
  private final ExecutorHookDelegate events = new ExecutorHookDelegate(registry,
      new ExecutorMetrics(Telemetry.noop().meter("executor"), registry));
  private final RuleEngine engine = new RuleEngine();
  private final List<ThreadPoolExecutor> executors = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void tearDown() throws InterruptedException {
    release.countDown();
    engine.stop();
    for (ThreadPoolExecutor executor : executors) {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  /**
   * An executor as rewritten: its {@code getActiveCount} reports each worker to the hook, as the
   * advice on {@code Worker.isLocked} does.
   */
  private final class WovenPool extends ThreadPoolExecutor {
    final AtomicInteger activeCountCalls = new AtomicInteger();
    volatile Thread worker;

    WovenPool(RejectedExecutionHandler handler) {
      super(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), Executors.defaultThreadFactory(), handler);
      executors.add(this);
    }

    @Override
    public int getActiveCount() {
      activeCountCalls.incrementAndGet();
      Thread w = worker;
      if (w != null) {
        events.onWorkerSeen(this, w);
      }
      return super.getActiveCount();
    }

    /** Starts the worker, named {@code name}, busy until the test ends; the agent sees none of it. */
    void busyWorker(String name) throws InterruptedException {
      CountDownLatch running = new CountDownLatch(1);
      execute(() -> {
        Thread.currentThread().setName(name);
        worker = Thread.currentThread();
        running.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  private WovenPool pool() {
    return new WovenPool(new ThreadPoolExecutor.AbortPolicy());
  }

  /** Tracks {@code pool} as constructed after the agent, named by its first worker. */
  private ExecutorTracker named(ThreadPoolExecutor pool, String firstThread) {
    ExecutorTracker tracker = registry.track(pool, Sighting.CONSTRUCTED);
    events.onWorkerCreated(pool, new Thread(firstThread));
    return tracker;
  }

  private void rule(String target, Action action, Mode mode) {
    engine.apply(new RuleSet(List.of(new Rule("full", TargetKind.EXECUTOR, Glob.of(target),
        List.of(new Threshold(Threshold.Signal.QUEUE_SIZE, Threshold.Op.GE, 0)), action, mode)), "test"));
  }

  private void bind(ExecutorTracker tracker) {
    tracker.gate = engine.gate(TargetKind.EXECUTOR, tracker.series.name, tracker.signals);
  }

  @Test
  void aPoolWhoseWorkersPredateTheAgentIsNamedFromThemOnItsFirstSubmitOnce() throws Exception {
    WovenPool pool = pool();
    pool.busyWorker("orders-7");

    assertThat(events.onExecute(pool, (Runnable) () -> { })).isFalse();
    assertThat(events.onExecute(pool, (Runnable) () -> { })).isFalse();

    ExecutorTracker tracker = registry.get(pool);
    assertThat(tracker.series.name).isEqualTo("orders");
    // The one instrumented call of the task path: getActiveCount, whose hook only notes the name.
    assertThat(pool.activeCountCalls).hasValue(1);
  }

  @Test
  void aSubmitIsSampledAndTheWorkerThatTakesItTakesItsStartTime() {
    WovenPool pool = pool();
    ExecutorTracker tracker = named(pool, "orders-1");
    Runnable task = () -> { };

    assertThat(events.onExecute(pool, task)).isFalse();
    assertThat(tracker.pending.size()).isEqualTo(1);

    Object state = events.beforeGetTask(pool);
    events.afterGetTask(pool, state, task);
    assertThat(tracker.pending.size()).isZero();
    events.onWorkerExit(pool);
  }

  @Test
  void anEnforcedRejectRuleThrowsThePoolsOwnExceptionNamingTheRule() {
    WovenPool pool = pool();
    ExecutorTracker tracker = named(pool, "orders-1");
    rule("orders", Action.REJECT, Mode.ENFORCE);
    bind(tracker);

    assertThatThrownBy(() -> events.onExecute(pool, (Runnable) () -> { }))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageStartingWith("shed by Spillway rule 'full'").hasMessageContaining("'orders'");
    assertThat(tracker.rejections.get(RejectionReason.SHED, RejectionPolicy.ABORT)).isEqualTo(1);
    assertThat(tracker.pending.size()).as("a refused task is not timed").isZero();
  }

  @Test
  void aHandlerRuleHandsTheTaskToThePoolsOwnHandlerAndSkipsIt() {
    List<Runnable> handled = new ArrayList<>();
    WovenPool pool = new WovenPool((task, executor) -> handled.add(task));
    ExecutorTracker tracker = named(pool, "orders-1");
    rule("orders", Action.HANDLER, Mode.ENFORCE);
    bind(tracker);
    Runnable task = () -> { };

    assertThat(events.onExecute(pool, task)).as("skip the pool's own execute").isTrue();
    assertThat(handled).containsExactly(task);
    assertThat(tracker.rejections.get(RejectionReason.SHED, RejectionPolicy.CUSTOM)).isEqualTo(1);
  }

  @Test
  void aRefusalAtAnObservedExecutorsWorkQueueIsCountedAsShedByThePolicyThatRejectsIt() {
    WovenPool pool = pool();
    ExecutorTracker tracker = named(pool, "orders-1");
    rule("orders", Action.REJECT, Mode.ENFORCE);
    bind(tracker);
    Runnable task = () -> { };

    assertThat(events.refuseAtQueue(tracker)).isTrue();
    events.onPolicyReject(pool, task);
    // No refusal of ours before this one: the pool was simply full.
    events.onPolicyReject(pool, task);

    assertThat(tracker.rejections.get(RejectionReason.SHED, RejectionPolicy.ABORT)).isEqualTo(1);
    assertThat(tracker.rejections.get(RejectionReason.SATURATED, RejectionPolicy.ABORT)).isEqualTo(1);
  }

  @Test
  void tomcatsForcedRetryOfATaskTheRuleRefusedIsRefusedAgainWithoutAskingTheRuleAndCountedOnce() {
    WovenPool pool = pool();
    ExecutorTracker tracker = named(pool, "http-nio-8080-exec-1");
    rule("http-nio-8080-exec", Action.REJECT, Mode.ENFORCE);
    bind(tracker);
    Runnable task = () -> { };

    assertThat(events.refuseAtQueue(tracker)).isTrue();
    tracker.gate = null; // asked again, the rule would now admit
    events.beforeForce(pool);
    assertThat(events.refuseAtQueue(tracker)).isTrue();
    events.afterForce(pool, task, true);

    // Then a task the full queue refused, retried: no rule decides it, it is saturated.
    events.beforeForce(pool);
    assertThat(events.refuseAtQueue(tracker)).isFalse();
    events.afterForce(pool, task, true);

    assertThat(tracker.rejections.get(RejectionReason.SHED, RejectionPolicy.ABORT)).isEqualTo(1);
    assertThat(tracker.rejections.get(RejectionReason.SATURATED, RejectionPolicy.ABORT)).isEqualTo(1);
  }

  @Test
  void anAdmittedInsertClearsTheMarkOfARefusalAfterWhichThePoolGrew() {
    WovenPool pool = pool();
    ExecutorTracker tracker = named(pool, "orders-1");
    rule("orders", Action.REJECT, Mode.ENFORCE);
    bind(tracker);

    assertThat(events.refuseAtQueue(tracker)).isTrue();
    tracker.gate = null;
    assertThat(events.refuseAtQueue(tracker)).isFalse();
    events.onPolicyReject(pool, (Runnable) () -> { });

    assertThat(tracker.rejections.get(RejectionReason.SHED, RejectionPolicy.ABORT)).isZero();
    assertThat(tracker.rejections.get(RejectionReason.SATURATED, RejectionPolicy.ABORT)).isEqualTo(1);
  }

  @Test
  void aHandlerRuleIsCountedOnceWhenThePolicyItCallsIsRewrittenToo() {
    List<Runnable> handled = new ArrayList<>();
    WovenPool pool = new WovenPool((task, executor) -> {
      events.onPolicyReject(executor, task); // as a rewritten JDK policy would
      handled.add(task);
    });
    ExecutorTracker tracker = named(pool, "orders-1");
    rule("orders", Action.HANDLER, Mode.ENFORCE);
    bind(tracker);

    assertThat(events.onExecute(pool, (Runnable) () -> { })).isTrue();
    assertThat(handled).hasSize(1);
    assertThat(tracker.rejections.total(null)).isEqualTo(1);
    assertThat(tracker.rejections.get(RejectionReason.SHED, RejectionPolicy.CUSTOM)).isEqualTo(1);
  }

  @Test
  void aDryRunRuleAdmitsEverything() {
    WovenPool pool = pool();
    ExecutorTracker tracker = named(pool, "orders-1");
    rule("orders", Action.REJECT, Mode.DRY_RUN);
    bind(tracker);

    assertThat(events.onExecute(pool, (Runnable) () -> { })).isFalse();
    assertThat(tracker.rejections.total(null)).isZero();
  }

  @Test
  void rejectionsAreCountedAsSaturatedOrShutdown() {
    WovenPool pool = pool();
    ExecutorTracker tracker = named(pool, "orders-1");
    Runnable task = () -> { };

    events.onReject(pool, task);
    pool.shutdown();
    events.onReject(pool, task);

    assertThat(tracker.rejections.get(RejectionReason.SATURATED, RejectionPolicy.ABORT)).isEqualTo(1);
    assertThat(tracker.rejections.get(RejectionReason.SHUTDOWN, RejectionPolicy.ABORT)).isEqualTo(1);
  }

  @Test
  void aFailureOfTheHookAdmitsTheTask() {
    ThreadPoolExecutor broken = new ThreadPoolExecutor(1, 1, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>()) {
      @Override
      public int getPoolSize() {
        throw new IllegalStateException("broken");
      }
    };
    executors.add(broken);

    assertThat(events.onExecute(broken, (Runnable) () -> { })).isFalse();
  }

  @Test
  void whatIsNotAThreadPoolExecutorIsIgnored() {
    Object other = new Object();
    assertThat(events.onExecute(other, (Runnable) () -> { })).isFalse();
    assertThat(registry.get(other)).isSameAs(ExecutorTracker.IGNORED);
  }
}
