package dev.spillway.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.example.naming.Owner;
import dev.spillway.agent.WorkQueues;
import dev.spillway.agent.config.Settings.TimingMode;
import dev.spillway.agent.executor.ExecutorRegistry.Sighting;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.agent.testing.Conditions;
import dev.spillway.agent.timing.TaskSampling;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code jvm.executor.*} metrics of real executors, collected by a real SDK in memory.
 *
 * <p>The agent is not running, so its hooks are simulated by calling {@link ExecutorHookDelegate}
 * directly: {@code onWorkerCreated} to tell an executor's first thread name, {@code onReject} for
 * a rejection. The executors use the JDK's default thread factory: one loaded by the agent's own
 * loader (a lambda written here, say) would mark them as the agent's and leave them untracked.
 */
class ExecutorMetricsTest {

  private static final String TPE = ThreadPoolExecutor.class.getName();

  private final InMemoryMetricReader reader = InMemoryMetricReader.create();
  private final Telemetry telemetry = Telemetry.of(OpenTelemetrySdk.builder()
      .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
      .build());
  private final List<ThreadPoolExecutor> executors = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  private ExecutorRegistry registry;
  private ExecutorHookDelegate events;

  @AfterEach
  void tearDown() throws InterruptedException {
    release.countDown();
    for (ThreadPoolExecutor executor : executors) {
      executor.shutdownNow();
    }
    for (ThreadPoolExecutor executor : executors) {
      assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    telemetry.shutdown(Duration.ofSeconds(5));
  }

  private void start(String renames, int maxTracked) {
    registry = new ExecutorRegistry(new ExecutorNaming(renames), maxTracked,
        new TaskSampling(TimingMode.ALL, 1000), WorkQueues.NONE);
    events = new ExecutorHookDelegate(registry, new ExecutorMetrics(telemetry.meter("executor"), registry));
  }

  private ThreadPoolExecutor executor(int core, int max, BlockingQueue<Runnable> queue) {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(core, max, 60, TimeUnit.SECONDS, queue);
    executors.add(executor);
    return executor;
  }

  private ThreadPoolExecutor executor(int core, int max, BlockingQueue<Runnable> queue, ThreadFactory factory) {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(core, max, 60, TimeUnit.SECONDS, queue, factory);
    executors.add(executor);
    return executor;
  }

  /** Tracks {@code executor} as if constructed now, and tells the name of its first worker. */
  private ThreadPoolExecutor named(ThreadPoolExecutor executor, String firstThreadName) {
    registry.track(executor, Sighting.CONSTRUCTED);
    events.onWorkerCreated(executor, new Thread(firstThreadName));
    return executor;
  }

  /** Occupies a worker until the test ends; returns once it runs. */
  private void occupyWorker(ThreadPoolExecutor executor) throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    executor.execute(() -> {
      running.countDown();
      awaitRelease();
    });
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
  }

  private void awaitRelease() {
    try {
      release.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void fillQueue(ThreadPoolExecutor executor, int tasks) {
    for (int i = 0; i < tasks; i++) {
      executor.getQueue().add(() -> { });
    }
  }

  /** One collection: metric name to (series attributes to value), metrics with points only. */
  private Map<String, Map<Attributes, Long>> collect() {
    Collection<MetricData> data = reader.collectAllMetrics();
    Map<String, Map<Attributes, Long>> byMetric = new HashMap<>();
    for (MetricData metric : data) {
      Map<Attributes, Long> points = new HashMap<>();
      for (LongPointData point : metric.getLongSumData().getPoints()) {
        points.put(point.getAttributes(), point.getValue());
      }
      if (!points.isEmpty()) {
        byMetric.put(metric.getName(), points);
      }
    }
    return byMetric;
  }

  private static Map<String, Long> byName(Map<String, Map<Attributes, Long>> collected, String metric) {
    return collected.getOrDefault(metric, Map.of()).entrySet().stream()
        .collect(Collectors.toMap(e -> e.getKey().get(ExecutorSeries.NAME), Map.Entry::getValue));
  }

  private static Attributes series(String name, String type) {
    return Attributes.of(ExecutorSeries.NAME, name, ExecutorSeries.TYPE, type);
  }

  @Test
  void boundedExecutorReportsItsShapeAndLoad() throws InterruptedException {
    start("", 10);
    ThreadPoolExecutor executor = named(executor(1, 2, new ArrayBlockingQueue<>(5)), "orders-1");
    occupyWorker(executor);
    executor.execute(() -> { });
    executor.execute(() -> { });
    executor.execute(() -> { });

    Map<String, Map<Attributes, Long>> collected = collect();

    Attributes orders = series("orders", TPE);
    assertThat(collected.get(ExecutorMetrics.THREAD_COUNT)).containsOnly(
        Map.entry(orders.toBuilder().put(ExecutorSeries.THREAD_STATE, "active").build(), 1L),
        Map.entry(orders.toBuilder().put(ExecutorSeries.THREAD_STATE, "idle").build(), 0L));
    assertThat(collected.get(ExecutorMetrics.THREAD_CORE)).containsOnly(Map.entry(orders, 1L));
    assertThat(collected.get(ExecutorMetrics.THREAD_LIMIT)).containsOnly(Map.entry(orders, 2L));
    assertThat(collected.get(ExecutorMetrics.QUEUE_SIZE)).containsOnly(Map.entry(orders, 3L));
    assertThat(collected.get(ExecutorMetrics.QUEUE_CAPACITY)).containsOnly(Map.entry(orders, 5L));
    assertThat(collected.get(ExecutorMetrics.TASK_COMPLETED)).containsOnly(Map.entry(orders, 0L));
    assertThat(collected).doesNotContainKey(ExecutorMetrics.TASK_REJECTED);
  }

  @Test
  void completedTasksAndEmptiedQueueShowOnTheNextCollection() throws InterruptedException {
    start("", 10);
    ThreadPoolExecutor executor = named(executor(1, 1, new ArrayBlockingQueue<>(5)), "orders-1");
    occupyWorker(executor);
    executor.execute(() -> { });
    executor.execute(() -> { });
    assertThat(byName(collect(), ExecutorMetrics.QUEUE_SIZE)).containsOnly(Map.entry("orders", 2L));

    release.countDown();
    Conditions.await(() -> executor.getCompletedTaskCount() == 3, "three tasks completed");

    Map<String, Map<Attributes, Long>> collected = collect();
    assertThat(byName(collected, ExecutorMetrics.TASK_COMPLETED)).containsOnly(Map.entry("orders", 3L));
    assertThat(byName(collected, ExecutorMetrics.QUEUE_SIZE)).containsOnly(Map.entry("orders", 0L));
  }

  @Test
  void unboundedQueueHasNoCapacityPoint() {
    start("", 10);
    named(executor(1, 1, new LinkedBlockingQueue<>()), "unbounded-1");
    named(executor(1, 1, new LinkedBlockingQueue<>(7)), "bounded-1");
    fillQueue(executors.get(0), 4);
    fillQueue(executors.get(1), 4);

    Map<String, Map<Attributes, Long>> collected = collect();

    assertThat(byName(collected, ExecutorMetrics.QUEUE_CAPACITY)).containsOnly(Map.entry("bounded", 7L));
    assertThat(byName(collected, ExecutorMetrics.QUEUE_SIZE))
        .containsOnly(Map.entry("unbounded", 4L), Map.entry("bounded", 4L));
  }

  @Test
  void unboundedThreadLimitHasNoLimitPoint() {
    start("", 10);
    named(executor(0, Integer.MAX_VALUE, new SynchronousQueue<>()), "cached-1");
    named(executor(2, 3, new SynchronousQueue<>()), "fixed-1");

    Map<String, Map<Attributes, Long>> collected = collect();

    assertThat(byName(collected, ExecutorMetrics.THREAD_LIMIT)).containsOnly(Map.entry("fixed", 3L));
    assertThat(byName(collected, ExecutorMetrics.THREAD_CORE))
        .containsOnly(Map.entry("cached", 0L), Map.entry("fixed", 2L));
    // A hand-off queue holds nothing.
    assertThat(byName(collected, ExecutorMetrics.QUEUE_CAPACITY))
        .containsOnly(Map.entry("cached", 0L), Map.entry("fixed", 0L));
  }

  @Test
  void executorThatDidNothingIsNotReported() {
    start("", 10);
    ThreadPoolExecutor executor = executor(1, 1, new LinkedBlockingQueue<>());
    registry.track(executor, Sighting.CONSTRUCTED);

    assertThat(collect()).doesNotContainKey(ExecutorMetrics.THREAD_CORE);

    events.onWorkerCreated(executor, new Thread("late-1"));
    assertThat(byName(collect(), ExecutorMetrics.THREAD_CORE)).containsOnly(Map.entry("late", 1L));
  }

  @Test
  void rejectionsAreCountedByReasonAndPolicy() throws InterruptedException {
    start("", 10);
    ThreadPoolExecutor executor = named(executor(1, 1, new ArrayBlockingQueue<>(1)), "busy-1");
    occupyWorker(executor);
    executor.execute(() -> { });
    Runnable saturated = () -> { };
    assertThatThrownBy(() -> executor.execute(saturated)).isInstanceOf(RejectedExecutionException.class);
    events.onReject(executor, saturated);
    executor.shutdown();
    Runnable late = () -> { };
    assertThatThrownBy(() -> executor.execute(late)).isInstanceOf(RejectedExecutionException.class);
    events.onReject(executor, late);
    events.onReject(executor, late);

    Map<String, Map<Attributes, Long>> collected = collect();

    Attributes busy = series("busy", TPE);
    assertThat(collected.get(ExecutorMetrics.TASK_REJECTED)).containsOnly(
        Map.entry(busy.toBuilder().put(ExecutorSeries.REJECTION_REASON, "saturated")
            .put(ExecutorSeries.REJECTION_POLICY, "abort").build(), 1L),
        Map.entry(busy.toBuilder().put(ExecutorSeries.REJECTION_REASON, "shutdown")
            .put(ExecutorSeries.REJECTION_POLICY, "abort").build(), 2L));
  }

  @Test
  void aRejectionAloneMakesAnExecutorReportedUnderItsSubmitSite() {
    start("", 10);
    ThreadPoolExecutor executor = executor(1, 1, new ArrayBlockingQueue<>(1));
    executor.setRejectedExecutionHandler(new ThreadPoolExecutor.CallerRunsPolicy());

    // First seen at a rejection, on a thread with a JDK default name: the submitter names it.
    Owner.call(() -> {
      events.onReject(executor, (Runnable) () -> { });
      return null;
    });

    Map<String, Map<Attributes, Long>> collected = collect();
    assertThat(collected.get(ExecutorMetrics.TASK_REJECTED)).containsOnly(Map.entry(
        series("com.example.naming.Owner", TPE).toBuilder()
            .put(ExecutorSeries.REJECTION_REASON, "saturated")
            .put(ExecutorSeries.REJECTION_POLICY, "caller_runs").build(), 1L));
  }

  @Test
  void constructionSiteNamesAnExecutorWithDefaultThreadNames() {
    start("", 10);
    ThreadPoolExecutor executor = executor(1, 1, new LinkedBlockingQueue<>());
    Owner.call(() -> registry.track(executor, Sighting.CONSTRUCTED));
    events.onWorkerCreated(executor, new Thread("pool-7-thread-1"));

    assertThat(byName(collect(), ExecutorMetrics.THREAD_CORE))
        .containsOnly(Map.entry("com.example.naming.Owner", 1L));
  }

  @Test
  void executorMetWithThreadsRunningIsReportedAtOnce() throws InterruptedException {
    start("", 10);
    ThreadPoolExecutor executor = executor(1, 1, new LinkedBlockingQueue<>());
    // Its worker started before the agent. (With the agent's bytecode, the pool's own
    // getActiveCount would tell the worker's thread name: see AttachIT; here there is none.)
    occupyWorker(executor);
    Owner.call(() -> registry.track(executor, Sighting.SUBMITTED));

    assertThat(byName(collect(), ExecutorMetrics.THREAD_CORE))
        .containsOnly(Map.entry("com.example.naming.Owner", 1L));
  }

  @Test
  void sameNamesAreNumberedAndFreedNamesReused() {
    start("", 10);
    ThreadPoolExecutor first = named(executor(1, 1, new LinkedBlockingQueue<>()), "worker-1");
    assertThat(byName(collect(), ExecutorMetrics.THREAD_CORE)).containsOnly(Map.entry("worker", 1L));

    named(executor(2, 2, new LinkedBlockingQueue<>()), "worker-1");
    assertThat(byName(collect(), ExecutorMetrics.THREAD_CORE))
        .containsOnly(Map.entry("worker", 1L), Map.entry("worker#2", 2L));

    first.shutdownNow();
    assertThat(byName(collect(), ExecutorMetrics.THREAD_CORE)).containsOnly(Map.entry("worker#2", 2L));

    named(executor(3, 3, new LinkedBlockingQueue<>()), "worker-9");
    assertThat(byName(collect(), ExecutorMetrics.THREAD_CORE))
        .containsOnly(Map.entry("worker", 3L), Map.entry("worker#2", 2L));
  }

  @Test
  void executorsOfOneThreadFactoryAreOneSeriesWithTheirSums() {
    start("", 10);
    // Reactor's schedulers: one single-thread executor per worker, all from one factory. (A JDK
    // factory: one of the test's own classes would pass for the agent's.)
    ThreadFactory workers = Executors.defaultThreadFactory();
    ThreadPoolExecutor first = named(executor(1, 1, new ArrayBlockingQueue<>(100), workers), "boundedElastic-1");
    ThreadPoolExecutor second = named(executor(1, 1, new ArrayBlockingQueue<>(100), workers), "boundedElastic-2");
    named(executor(2, 2, new ArrayBlockingQueue<>(100)), "boundedElastic-3"); // another factory
    fillQueue(first, 3);
    fillQueue(second, 4);

    Map<String, Map<Attributes, Long>> collected = collect();
    assertThat(byName(collected, ExecutorMetrics.THREAD_LIMIT))
        .containsOnly(Map.entry("boundedElastic", 2L), Map.entry("boundedElastic#2", 2L));
    assertThat(byName(collected, ExecutorMetrics.QUEUE_SIZE))
        .containsOnly(Map.entry("boundedElastic", 7L), Map.entry("boundedElastic#2", 0L));
    assertThat(byName(collected, ExecutorMetrics.QUEUE_CAPACITY))
        .containsOnly(Map.entry("boundedElastic", 200L), Map.entry("boundedElastic#2", 100L));

    // One worker gone: the series stays, with its completed tasks; the name is not freed.
    first.shutdownNow();
    assertThat(byName(collect(), ExecutorMetrics.QUEUE_SIZE))
        .containsOnly(Map.entry("boundedElastic", 4L), Map.entry("boundedElastic#2", 0L));
    ThreadPoolExecutor third = named(executor(1, 1, new ArrayBlockingQueue<>(100), workers), "boundedElastic-4");
    assertThat(byName(collect(), ExecutorMetrics.THREAD_LIMIT))
        .containsOnly(Map.entry("boundedElastic", 2L), Map.entry("boundedElastic#2", 2L));

    // All gone: the name is free again.
    second.shutdownNow();
    third.shutdownNow();
    collect();
    named(executor(5, 5, new ArrayBlockingQueue<>(100)), "boundedElastic-5");
    assertThat(byName(collect(), ExecutorMetrics.THREAD_CORE))
        .containsOnly(Map.entry("boundedElastic", 5L), Map.entry("boundedElastic#2", 2L));
  }

  @Test
  void renamesApplyBeforeDeduplication() {
    start("http-nio-*-exec=http;orders=http", 10);
    named(executor(1, 1, new LinkedBlockingQueue<>()), "http-nio-8080-exec-1");
    assertThat(byName(collect(), ExecutorMetrics.THREAD_CORE)).containsOnly(Map.entry("http", 1L));

    named(executor(2, 2, new LinkedBlockingQueue<>()), "orders-1");
    assertThat(byName(collect(), ExecutorMetrics.THREAD_CORE))
        .containsOnly(Map.entry("http", 1L), Map.entry("http#2", 2L));
  }

  @Test
  void executorsPastTheCapShareOneOverflowSeries() {
    start("", 2);
    String[] names = {"a", "b", "c", "d"};
    Map<String, Long> queued = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      ThreadPoolExecutor executor = named(executor(i + 1, 10, new ArrayBlockingQueue<>(100)), names[i] + "-1");
      fillQueue(executor, 10 * (i + 1));
      queued.put(names[i], 10L * (i + 1));
    }

    Map<String, Map<Attributes, Long>> collected = collect();

    // Which two get a name of their own depends on map order; the sums do not.
    Map<String, Long> queueSize = byName(collected, ExecutorMetrics.QUEUE_SIZE);
    assertThat(queueSize).hasSize(3).containsKey(ExecutorSeries.OVERFLOW);
    List<String> own = queueSize.keySet().stream()
        .filter(name -> !name.equals(ExecutorSeries.OVERFLOW)).collect(Collectors.toList());
    assertThat(own).hasSize(2).allSatisfy(name -> assertThat(queueSize.get(name)).isEqualTo(queued.get(name)));
    long ownQueued = queued.get(own.get(0)) + queued.get(own.get(1));
    long ownCore = queued.get(own.get(0)) / 10 + queued.get(own.get(1)) / 10;
    Attributes overflow = series(ExecutorSeries.OVERFLOW, ExecutorSeries.OVERFLOW);
    assertThat(collected.get(ExecutorMetrics.QUEUE_SIZE)).containsEntry(overflow, 100 - ownQueued);
    assertThat(collected.get(ExecutorMetrics.QUEUE_CAPACITY)).containsEntry(overflow, 200L);
    assertThat(collected.get(ExecutorMetrics.THREAD_CORE)).containsEntry(overflow, 10 - ownCore);
    assertThat(collected.get(ExecutorMetrics.THREAD_LIMIT)).containsEntry(overflow, 20L);
  }

  @Test
  void terminatedExecutorReportsItsFinalCountsOnceAndThenDisappears() throws InterruptedException {
    start("", 10);
    ThreadPoolExecutor gone = named(executor(1, 1, new LinkedBlockingQueue<>()), "gone-1");
    named(executor(1, 1, new LinkedBlockingQueue<>()), "stays-1");
    assertThat(byName(collect(), ExecutorMetrics.THREAD_CORE)).containsOnlyKeys("gone", "stays");

    for (int i = 0; i < 7; i++) {
      gone.execute(() -> { });
    }
    gone.shutdown();
    assertThat(gone.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    Map<String, Map<Attributes, Long>> last = collect();
    assertThat(byName(last, ExecutorMetrics.TASK_COMPLETED)).containsEntry("gone", 7L);
    assertThat(last.get(ExecutorMetrics.THREAD_COUNT)).containsEntry(threads("gone", "active"), 0L)
        .containsEntry(threads("gone", "idle"), 0L);
    assertThat(byName(last, ExecutorMetrics.QUEUE_SIZE)).containsEntry("gone", 0L);
    // Gone: no shape to report any more.
    assertThat(byName(last, ExecutorMetrics.THREAD_CORE)).containsOnlyKeys("stays");

    Map<String, Map<Attributes, Long>> after = collect();
    for (Map.Entry<String, Map<Attributes, Long>> metric : after.entrySet()) {
      assertThat(metric.getValue().keySet()).as(metric.getKey())
          .noneMatch(attributes -> "gone".equals(attributes.get(ExecutorSeries.NAME)));
    }
    assertThat(byName(after, ExecutorMetrics.THREAD_CORE)).containsOnlyKeys("stays");
  }

  @Test
  void anExecutorGoneBeforeItsFirstCollectionIsStillReportedOnce() throws InterruptedException {
    start("", 10);
    ThreadPoolExecutor brief = executor(1, 1, new LinkedBlockingQueue<>());
    registry.track(brief, Sighting.CONSTRUCTED);
    events.onWorkerCreated(brief, new Thread("brief-1"));
    for (int i = 0; i < 3; i++) {
      brief.execute(() -> { });
    }
    brief.shutdown();
    assertThat(brief.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

    assertThat(byName(collect(), ExecutorMetrics.TASK_COMPLETED)).containsOnly(Map.entry("brief", 3L));
    assertThat(byName(collect(), ExecutorMetrics.TASK_COMPLETED)).isEmpty();
  }

  @Test
  void aNewExecutorUnderAGoneOnesNameContinuesItsCount() throws InterruptedException {
    start("", 10);
    ThreadPoolExecutor first = named(executor(1, 1, new LinkedBlockingQueue<>()), "jobs-1");
    for (int i = 0; i < 4; i++) {
      first.execute(() -> { });
    }
    first.shutdown();
    assertThat(first.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    registry.live(); // the housekeeping sweep, once a second: frees the name
    ThreadPoolExecutor second = named(executor(1, 1, new LinkedBlockingQueue<>()), "jobs-1");
    second.execute(() -> { });
    Conditions.await(() -> second.getCompletedTaskCount() == 1, "the second executor ran its task");

    // One series: a counter that never goes back.
    assertThat(byName(collect(), ExecutorMetrics.TASK_COMPLETED)).containsOnly(Map.entry("jobs", 5L));
    assertThat(byName(collect(), ExecutorMetrics.TASK_COMPLETED)).containsOnly(Map.entry("jobs", 5L));
  }

  private static Attributes threads(String name, String state) {
    return series(name, TPE).toBuilder().put(ExecutorSeries.THREAD_STATE, state).build();
  }
}
