package dev.spillway.agent.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.spillway.agent.config.Settings.TimingMode;
import dev.spillway.agent.shedding.Action;
import dev.spillway.agent.shedding.Mode;
import dev.spillway.agent.shedding.Rule;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.shedding.RuleSet;
import dev.spillway.agent.shedding.TargetKind;
import dev.spillway.agent.shedding.Threshold;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.agent.timing.CoarseClock;
import dev.spillway.agent.timing.TaskSampling;
import dev.spillway.agent.util.Glob;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection-pool hook delegate, called as the advice calls it, over a fake library: a pool
 * and its items are plain objects that the fake adapter reads.
 */
class PoolHookDelegateTest {

  private static final int FAKE = 0;
  private static final long SLOW_NANOS = Duration.ofSeconds(10).toNanos();

  /** A library whose pools are named "orders" and whose waiter count the test sets. */
  static final class FakeAdapter extends PoolAdapter {
    volatile int pending;
    volatile boolean pendingFails;
    /** What a refused async lease is failed with; null: the library cannot refuse so. */
    volatile Object asyncFailure;

    @Override
    public Object failedAsyncAcquire(Object pool, Object callback, String message) {
      return asyncFailure;
    }

    @Override
    public String library() {
      return "fake";
    }

    @Override
    public void read(Object pool, PoolState into) {
      into.pending = pending;
    }

    @Override
    public int pending(Object pool) throws Exception {
      if (pendingFails) {
        throw new IllegalStateException("closing");
      }
      return pending;
    }

    @Override
    public boolean isClosed(Object pool) {
      return false;
    }

    @Override
    public boolean isTimeout(Throwable thrown) {
      return thrown instanceof TimeoutException;
    }

    @Override
    public String configuredName(Object pool, Object owner) {
      return "orders";
    }

    @Override
    public String jdbcUrl(Object pool, Object owner) {
      return null;
    }
  }

  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final Telemetry telemetry = Telemetry.of(OpenTelemetrySdk.builder()
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
      .build());
  private final FakeAdapter adapter = new FakeAdapter();
  private final PoolRegistry registry = new PoolRegistry(new PoolAdapter[] {adapter}, new PoolNaming(""), 10, 100,
      new TaskSampling(TimingMode.ALL, 1000));
  /** Stopped before it starts: it moves only when a test ticks it. */
  private final CoarseClock clock = stoppedClock();

  private static CoarseClock stoppedClock() {
    CoarseClock clock = new CoarseClock();
    clock.stop();
    return clock;
  }
  private final PoolHookDelegate events = new PoolHookDelegate(registry, new PoolMetrics(telemetry.meter("pool"), registry),
      SLOW_NANOS, clock);
  private final RuleEngine engine = new RuleEngine();
  private final Object pool = new Object();

  @AfterEach
  void tearDown() {
    engine.stop();
    telemetry.shutdown(Duration.ofSeconds(5));
  }

  /** How many values the histogram of that name recorded. */
  private long histogramCount(String name) {
    return (long) histogramTotal(name, HistogramPointData::getCount);
  }

  /** The sum of the values the histogram of that name recorded, in its unit. */
  private double histogramSum(String name) {
    return histogramTotal(name, HistogramPointData::getSum);
  }

  private double histogramTotal(String name, ToDoubleFunction<HistogramPointData> of) {
    double total = 0;
    for (MetricData metric : reader.collectAllMetrics()) {
      if (metric.getName().equals(name)) {
        for (HistogramPointData point : metric.getHistogramData().getPoints()) {
          total += of.applyAsDouble(point);
        }
      }
    }
    return total;
  }

  private void rule(Mode mode) {
    engine.apply(new RuleSet(List.of(new Rule("waiters", TargetKind.POOL, Glob.of("orders"),
        List.of(new Threshold(Threshold.Signal.PENDING, Threshold.Op.GE, 5)), Action.REJECT, mode)), "test"));
    PoolTracker tracker = registry.get(pool);
    tracker.gate = engine.gate(TargetKind.POOL, tracker.series.name, tracker.signals);
  }

  @Test
  void aSampledBorrowRecordsItsWaitThenItsUseAtRelease() {
    Object item = new Object();

    long start = events.onAcquire(pool, FAKE);
    assertThat(start).isNotZero();
    assertThat(start & 1).as("sampled: the lowest bit says so").isEqualTo(1);
    events.afterAcquire(pool, FAKE, start, item, null);
    events.onRelease(pool, FAKE, item);
    events.onRelease(pool, FAKE, item);

    assertThat(registry.get(pool).series.name).isEqualTo("orders");
    assertThat(histogramCount(PoolMetrics.WAIT_TIME)).isEqualTo(1);
    assertThat(histogramCount(PoolMetrics.USE_TIME)).as("one use, however often released").isEqualTo(1);
  }

  @Test
  void anUnsampledAcquireIsTimedByTheCoarseClockAndASlowOneMakesASpan() {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    Telemetry traced = Telemetry.of(OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
        .build());
    PoolRegistry unsampled = new PoolRegistry(new PoolAdapter[] {adapter}, new PoolNaming(""), 10, 100,
        new TaskSampling(TimingMode.OFF, 1000));
    long slowNanos = Duration.ofMillis(2).toNanos();
    PoolHookDelegate hooks = new PoolHookDelegate(unsampled, new PoolMetrics(telemetry.meter("pool"), unsampled),
        slowNanos, clock);
    hooks.report(new PoolMetrics(telemetry.meter("pool"), unsampled), new PoolSpans(traced.tracer("pool")));
    try {
      clock.tick();
      long fast = hooks.onAcquire(pool, FAKE);
      assertThat(fast & 3).as("neither sampled nor ruled").isZero();
      assertThat(fast & ~3L).as("the coarse clock, not nanoTime").isEqualTo(clock.now() & ~3L);
      hooks.afterAcquire(pool, FAKE, fast, new Object(), null);
      assertThat(spans.getFinishedSpanItems()).as("not slow: no span").isEmpty();

      long slow = hooks.onAcquire(pool, FAKE);
      long until = System.nanoTime() + 2 * slowNanos;
      while (System.nanoTime() - until < 0) {
        Thread.onSpinWait();
      }
      clock.tick();
      hooks.afterAcquire(pool, FAKE, slow, new Object(), null);
      assertThat(spans.getFinishedSpanItems()).as("slow by the coarse clock: one span").hasSize(1);
      assertThat(histogramCount(PoolMetrics.WAIT_TIME)).as("timing off: no histogram").isZero();
    } finally {
      traced.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void aPoolFirstMetCreatingAConnectionStartsTheClockBeforeItsFirstAcquire() {
    CoarseClock ticking = new CoarseClock();
    PoolHookDelegate hooks = new PoolHookDelegate(registry, new PoolMetrics(telemetry.meter("pool"), registry),
        SLOW_NANOS, ticking);
    try {
      hooks.afterCreate(pool, FAKE, hooks.beforeCreate(pool, FAKE), new Object(), null);
      registry.series(registry.get(pool)); // named by a collection: its first acquire takes the fast path
      long first = ticking.now();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (ticking.now() == first && System.nanoTime() - deadline < 0) {
        Thread.onSpinWait();
      }
      assertThat(ticking.now()).as("the clock ticks").isNotEqualTo(first);
    } finally {
      ticking.stop();
    }
  }

  @Test
  void aPoolWithRulesIsLookedUpAtExitEvenWhenUnsampled() {
    events.onAcquire(pool, FAKE);
    rule(Mode.ENFORCE);
    long start = events.onAcquire(pool, FAKE);
    assertThat(start & 2).as("the exit hook is told the pool has rules").isEqualTo(2);
  }

  @Test
  void aTimeoutIsCountedAndOtherFailuresAreNot() {
    events.afterAcquire(pool, FAKE, events.onAcquire(pool, FAKE), null, new TimeoutException("waited"));
    events.afterAcquire(pool, FAKE, events.onAcquire(pool, FAKE), null, new IllegalStateException("broken"));

    assertThat(registry.get(pool).timeouts.sum()).isEqualTo(1);
    assertThat(histogramCount(PoolMetrics.WAIT_TIME)).as("only acquires that got a connection").isZero();
  }

  @Test
  void anEnforcedRuleOnPendingFailsTheAcquireTheLibrarysWay() {
    events.afterAcquire(pool, FAKE, events.onAcquire(pool, FAKE), new Object(), null);
    rule(Mode.ENFORCE);
    adapter.pending = 4;
    assertThat(events.onAcquire(pool, FAKE)).isNotZero();

    adapter.pending = 5;
    assertThatThrownBy(() -> events.onAcquire(pool, FAKE))
        .isInstanceOf(SQLTransientConnectionException.class)
        .hasMessage("shed by Spillway rule 'waiters' (pending >= 5) on pool 'orders'");
    assertThat(registry.get(pool).sheds.sum()).isEqualTo(1);
  }

  @Test
  void aShedAndATimeoutAreEventsOnTheCallersSpanAndTheTimeoutOnItsAcquireSpanToo() {
    InMemorySpanExporter spillway = InMemorySpanExporter.create();
    Telemetry traced = Telemetry.of(OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spillway)).build())
        .build());
    // The application's own SDK: here the test's (unrelocated) OpenTelemetry, seen through the
    // thread's context loader, as for a pool whose loader has no API (this one's is the JDK's).
    InMemorySpanExporter application = InMemorySpanExporter.create();
    SdkTracerProvider app = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(application))
        .build();
    events.report(new PoolMetrics(telemetry.meter("pool"), registry), new PoolSpans(traced.tracer("pool")));
    try {
      events.afterAcquire(pool, FAKE, events.onAcquire(pool, FAKE), new Object(), null);
      rule(Mode.ENFORCE);
      Span request = app.get("app").spanBuilder("request").startSpan();
      try (Scope ignored = request.makeCurrent()) {
        events.afterAcquire(pool, FAKE, events.onAcquire(pool, FAKE), null, new TimeoutException("waited"));
        adapter.pending = 5;
        assertThatThrownBy(() -> events.onAcquire(pool, FAKE)).isInstanceOf(SQLTransientConnectionException.class);
      } finally {
        request.end();
      }
      List<EventData> onRequest = application.getFinishedSpanItems().get(0).getEvents();
      assertThat(onRequest).extracting(EventData::getName)
          .containsExactly("db.client.connection.timeout", "spillway.shed");
      EventData timeout = onRequest.get(0);
      assertThat(timeout.getAttributes().get(AttributeKey.stringKey("db.client.connection.pool.name")))
          .isEqualTo("orders");
      assertThat(timeout.getAttributes().get(AttributeKey.stringKey("exception.type")))
          .isEqualTo(TimeoutException.class.getName());
      assertThat(timeout.getAttributes().get(AttributeKey.doubleKey("spillway.pool.wait_time"))).isNotNull();
      EventData shed = onRequest.get(1);
      assertThat(shed.getAttributes().get(AttributeKey.stringKey("spillway.rule"))).isEqualTo("waiters");
      assertThat(shed.getAttributes().get(AttributeKey.stringKey("spillway.target.kind"))).isEqualTo("pool");
      assertThat(shed.getAttributes().get(AttributeKey.stringKey("spillway.target.name"))).isEqualTo("orders");
      assertThat(shed.getAttributes().get(AttributeKey.stringKey("spillway.shed.reason"))).isEqualTo("pending >= 5");

      SpanData acquire = spillway.getFinishedSpanItems().get(0);
      assertThat(acquire.getName()).isEqualTo("db.client.connection.acquire");
      assertThat(acquire.getParentSpanId()).isEqualTo(request.getSpanContext().getSpanId());
      assertThat(acquire.getEvents()).extracting(EventData::getName).containsExactly("db.client.connection.timeout");
    } finally {
      app.close();
      traced.shutdown(Duration.ofSeconds(5));
    }
  }

  @Test
  void aFloodOfShedsAddsAtMostTenEventsASecondToTheCallersSpan() {
    InMemorySpanExporter application = InMemorySpanExporter.create();
    SdkTracerProvider app = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(application))
        .build();
    events.report(new PoolMetrics(telemetry.meter("pool"), registry), new PoolSpans(telemetry.tracer("pool")));
    events.afterAcquire(pool, FAKE, events.onAcquire(pool, FAKE), new Object(), null);
    rule(Mode.ENFORCE);
    adapter.pending = 5;
    Span request = app.get("app").spanBuilder("request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      for (int i = 0; i < 1000; i++) {
        assertThatThrownBy(() -> events.onAcquire(pool, FAKE)).isInstanceOf(SQLTransientConnectionException.class);
      }
    } finally {
      request.end();
    }
    List<String> names = application.getFinishedSpanItems().get(0).getEvents().stream().map(EventData::getName)
        .collect(Collectors.toList());
    app.close();
    assertThat(registry.get(pool).sheds.sum()).isEqualTo(1000);
    // Ten in each second of the agent's housekeeper (EventBudget.nextSecond): none ticks here,
    // unless one left by another test crosses one second boundary.
    assertThat(names).hasSizeBetween(10, 20).containsOnly("spillway.shed");
  }

  @Test
  void aDryRunRuleAndAFailingReadAdmit() {
    events.afterAcquire(pool, FAKE, events.onAcquire(pool, FAKE), new Object(), null);
    rule(Mode.DRY_RUN);
    adapter.pending = 50;
    assertThat(events.onAcquire(pool, FAKE)).isNotZero();

    rule(Mode.ENFORCE);
    adapter.pendingFails = true;
    assertThat(events.onAcquire(pool, FAKE)).as("pending unknown: admitted").isNotZero();
    assertThat(registry.get(pool).sheds.sum()).isZero();
  }

  @Test
  void aCreatedConnectionIsTimedAndForgetsAStaleBorrow() {
    Object item = new Object();
    events.afterAcquire(pool, FAKE, events.onAcquire(pool, FAKE), item, null);

    // The pool re-connects the entry whose borrow never came back, then lends it unsampled.
    events.afterCreate(pool, FAKE, events.beforeCreate(pool, FAKE), item, null);
    events.onRelease(pool, FAKE, item);

    assertThat(histogramCount(PoolMetrics.CREATE_TIME)).isEqualTo(1);
    assertThat(histogramCount(PoolMetrics.USE_TIME)).isZero();
  }

  @Test
  void aPoolOfNoKnownLibraryCostsNothing() {
    long start = events.onAcquire(pool, 7);

    assertThat(start).isZero();
    events.afterAcquire(pool, 7, start, new Object(), null);
    assertThat(registry.get(pool)).isSameAs(PoolTracker.IGNORED);
    assertThat(histogramCount(PoolMetrics.WAIT_TIME)).isZero();
  }

  @Test
  void theDataSourceOfTheCurrentCallIsRestoredOnExit() {
    Object outer = new Object();
    Object inner = new Object();

    Object none = events.enterDataSource(outer);
    Object previous = events.enterDataSource(inner);
    events.onAcquire(pool, FAKE);
    events.exitDataSource(previous);
    events.exitDataSource(none);

    assertThat(none).isNull();
    assertThat(previous).isSameAs(outer);
    assertThat(registry.get(pool).owner()).as("the pool is seen with the data source it serves").isSameAs(inner);
  }

  /** OkHttp's enqueue as the advice calls it, the slot given by {@code promoted} (null: none) inside it. */
  private void leaseCall(Object call, Runnable promoted) {
    Object state = events.onAsyncAcquireOf(pool, FAKE, call);
    assertThat(state).isNotNull().isNotInstanceOf(Throwable.class);
    if (promoted != null) {
      promoted.run();
    }
    events.afterAsyncAcquireOf(pool, state, call);
  }

  private static void onAnotherThread(Runnable action) throws InterruptedException {
    Thread other = new Thread(action);
    other.start();
    other.join();
  }

  /**
   * Issue 9: a call given its slot inside its own enqueue (OkHttp's promoteAndExecute) waited 0 by
   * construction, recorded once as exactly 0, though every acquire is timed here (timing=all)
   * and the clock would say otherwise.
   */
  @Test
  void aCallGivenItsSlotInsideItsEnqueueRecordsAZeroWaitOnce() {
    clock.tick();
    Object call = new Object();
    leaseCall(call, () -> events.onAsyncAcquired(call));
    assertThat(histogramCount("db.client.connection.wait_time")).isEqualTo(1);
    assertThat(histogramSum("db.client.connection.wait_time")).isZero();
    events.onAsyncAcquired(call); // a stray second end records nothing more
    assertThat(histogramCount("db.client.connection.wait_time")).isEqualTo(1);
  }

  /** A call that waits is recorded when it gets its slot, on whichever thread, with its wait. */
  @Test
  void aCallThatWaitsIsRecordedWithItsWaitWhenItGetsItsSlot() throws Exception {
    Object call = new Object();
    leaseCall(call, null);
    assertThat(histogramCount("db.client.connection.wait_time")).isZero();
    Thread.sleep(20); // the wait: nanoTime cannot move less
    onAnotherThread(() -> events.onAsyncAcquired(call));
    assertThat(histogramCount("db.client.connection.wait_time")).isEqualTo(1);
    assertThat(histogramSum("db.client.connection.wait_time")).isGreaterThanOrEqualTo(0.020).isLessThan(10);
  }

  /** The race: another thread gives the call its slot before its enqueue has returned and registered it. */
  @Test
  void aCallGivenItsSlotElsewhereBeforeItsEnqueueReturnedIsRecordedOnce() throws Exception {
    Object call = new Object();
    leaseCall(call, () -> {
      try {
        onAnotherThread(() -> events.onAsyncAcquired(call));
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    });
    assertThat(histogramCount("db.client.connection.wait_time")).isEqualTo(1);
    // Nothing left waiting: the next call that gets its slot inside its enqueue needs no lookup to be right.
    Object next = new Object();
    leaseCall(next, () -> events.onAsyncAcquired(next));
    assertThat(histogramCount("db.client.connection.wait_time")).isEqualTo(2);
  }

  /**
   * An enqueue inside another on the same thread (an executor that runs the call on the enqueuing
   * thread, whose callback enqueues): both recorded once, and the outer one still as at once.
   */
  @Test
  void anEnqueueInsideAnotherOnTheSameThreadLeavesTheOuterOneRight() {
    Object outer = new Object();
    Object inner = new Object();
    leaseCall(outer, () -> {
      events.onAsyncAcquired(outer);
      leaseCall(inner, () -> events.onAsyncAcquired(inner));
      assertThat(histogramCount("db.client.connection.wait_time")).isEqualTo(1);
    });
    assertThat(histogramCount("db.client.connection.wait_time")).isEqualTo(2);
    // The inner one took the way of a call that waits, timed: well under a millisecond.
    assertThat(histogramSum("db.client.connection.wait_time")).isLessThan(0.001);
  }

  /** Two dispatchers in turn (the last one is remembered, not looked up): each call counts on its own pool. */
  @Test
  void callsOnTwoPoolsInTurnRecordOnTheirOwnPools() {
    Object other = new Object();
    for (int i = 0; i < 3; i++) {
      Object call = new Object();
      leaseCall(call, () -> events.onAsyncAcquired(call));
      Object otherCall = new Object();
      Object state = events.onAsyncAcquireOf(other, FAKE, otherCall);
      events.onAsyncAcquired(otherCall);
      events.afterAsyncAcquireOf(other, state, otherCall);
    }
    Object last = new Object();
    leaseCall(last, () -> events.onAsyncAcquired(last));
    List<Long> perPool = reader.collectAllMetrics().stream()
        .filter(m -> m.getName().equals("db.client.connection.wait_time"))
        .flatMap(m -> m.getHistogramData().getPoints().stream())
        .map(HistogramPointData::getCount).sorted().collect(Collectors.toList());
    assertThat(perPool).containsExactly(3L, 4L);
    assertThat(registry.get(other)).isNotSameAs(registry.get(pool));
  }

  /** A refused enqueue returns the call's failure (the advice skips enqueue on a Throwable) and counts a shed. */
  @Test
  void aRefusedEnqueueReturnsTheFailureTheCallWasGiven() {
    leaseCall(new Object(), null);
    rule(Mode.ENFORCE);
    adapter.pending = 5;
    adapter.asyncFailure = new IllegalStateException("shed");

    assertThat(events.onAsyncAcquireOf(pool, FAKE, new Object())).isSameAs(adapter.asyncFailure);
    assertThat(registry.get(pool).sheds.sum()).isEqualTo(1);
    adapter.pending = 4;
    Object admitted = new Object();
    leaseCall(admitted, () -> events.onAsyncAcquired(admitted));
    assertThat(histogramCount("db.client.connection.wait_time")).isEqualTo(1);
  }

  /** A future lease (HttpClient 5 async) that failed with the pool's timeout counts as one. */
  @Test
  void anAsyncLeaseFailedWithThePoolsTimeoutCountsATimeout() {
    java.util.concurrent.CompletableFuture<Object> lease = new java.util.concurrent.CompletableFuture<>();
    events.onAsyncAcquire(pool, FAKE, new Object());
    events.afterAsyncAcquire(pool, FAKE, lease);
    lease.completeExceptionally(new TimeoutException("deadline"));
    events.onAsyncAcquired(lease);
    assertThat(registry.get(pool).timeouts.sum()).isEqualTo(1);
    assertThat(histogramCount("db.client.connection.wait_time")).isZero();
  }
}
