package dev.spillway.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.agent.WorkQueues;
import dev.spillway.agent.config.Settings.TimingMode;
import dev.spillway.agent.executor.ExecutorRegistry.Sighting;
import dev.spillway.agent.testing.Gc;
import dev.spillway.agent.timing.Sampler;
import dev.spillway.agent.timing.TaskSampling;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExecutorRegistryTest {

  private final List<ExecutorService> executors = new ArrayList<>();

  @AfterEach
  void shutDown() {
    executors.forEach(ExecutorService::shutdownNow);
  }

  private ThreadPoolExecutor executor() {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    executors.add(executor);
    return executor;
  }

  private static ExecutorRegistry registry(int maxTracked) {
    return new ExecutorRegistry(new ExecutorNaming(""), maxTracked, new TaskSampling(TimingMode.ALL, 1000), WorkQueues.NONE);
  }

  @Test
  void trackingTwiceGivesTheSameTracker() {
    ExecutorRegistry registry = registry(10);
    ThreadPoolExecutor executor = executor();

    ExecutorTracker first = registry.track(executor, Sighting.CONSTRUCTED);

    assertThat(first).isNotSameAs(ExecutorTracker.IGNORED);
    assertThat(registry.track(executor, Sighting.SUBMITTED)).isSameAs(first);
    assertThat(registry.get(executor)).isSameAs(first);
    assertThat(registry.get(executor())).isNull();
  }

  /** An application's executor whose {@code getQueue} waits, as foreign code may, until released. */
  private static final class SlowGetterPool extends ThreadPoolExecutor {
    final CountDownLatch asked = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    SlowGetterPool() {
      super(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    }

    @Override
    public BlockingQueue<Runnable> getQueue() {
      asked.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return super.getQueue();
    }
  }

  /** Regression (issue 12): building a tracker, which calls the executor, ran under the registry's lock. */
  @Test
  void anExecutorWhoseGetterWaitsDoesNotHoldUpTrackingAnother() throws Exception {
    ExecutorRegistry registry = registry(10);
    SlowGetterPool slowPool = new SlowGetterPool();
    executors.add(slowPool);
    ThreadPoolExecutor other = executor();
    CountDownLatch otherTracked = new CountDownLatch(1);
    Thread slow = new Thread(() -> registry.track(slowPool, Sighting.CONSTRUCTED), "slow-getter");
    Thread fast = new Thread(() -> {
      registry.track(other, Sighting.CONSTRUCTED);
      otherTracked.countDown();
    }, "other-executor");

    slow.start();
    try {
      assertThat(slowPool.asked.await(10, TimeUnit.SECONDS)).isTrue();
      fast.start();
      assertThat(otherTracked.await(10, TimeUnit.SECONDS))
          .as("another executor tracked while the first one's getter waits").isTrue();
      assertThat(registry.get(other)).isNotNull().isNotSameAs(ExecutorTracker.IGNORED);
    } finally {
      slowPool.release.countDown();
      slow.join(10_000);
      fast.join(10_000);
    }
    assertThat(registry.get(slowPool)).isNotNull().isNotSameAs(ExecutorTracker.IGNORED);
  }

  @Test
  void trackerStartsWithTheRegistrysSampleMask() {
    ExecutorRegistry registry = new ExecutorRegistry(new ExecutorNaming(""), 10, new TaskSampling(TimingMode.OFF, 1000), WorkQueues.NONE);

    assertThat(registry.track(executor(), Sighting.OTHER).sampler.mask()).isEqualTo(Sampler.OFF);
  }

  @Test
  void executorsThatAreNotThreadPoolExecutorsAreIgnored() {
    ExecutorRegistry registry = registry(10);
    ForkJoinPool pool = new ForkJoinPool(1);
    executors.add(pool);

    assertThat(registry.track(pool, Sighting.SUBMITTED)).isSameAs(ExecutorTracker.IGNORED);
    assertThat(registry.live()).isEmpty();
  }

  @Test
  void executorWithAThreadFactoryOfTheAgentsLoaderIsIgnored() {
    ExecutorRegistry registry = registry(10);
    ThreadFactory agentFactory = new ThreadFactory() {
      @Override
      public Thread newThread(Runnable r) {
        return new Thread(r);
      }
    };
    ExecutorService executor = Executors.newFixedThreadPool(1, agentFactory);
    executors.add(executor);

    assertThat(registry.track(executor, Sighting.CONSTRUCTED)).isSameAs(ExecutorTracker.IGNORED);
  }

  @Test
  void otherSightingRecordsNoSite() {
    ExecutorRegistry registry = registry(10);

    ExecutorTracker tracker = registry.track(executor(), Sighting.OTHER);

    assertThat(tracker.constructionSite).isNull();
    assertThat(tracker.submitSite).isNull();
    assertThat(tracker.type).isEqualTo(ThreadPoolExecutor.class.getName());
  }

  @Test
  void seriesIsFixedOnceChosen() {
    ExecutorRegistry registry = registry(10);
    ExecutorTracker tracker = registry.track(executor(), Sighting.OTHER);
    tracker.firstThreadName = "orders-1";

    ExecutorSeries series = registry.series(tracker);
    tracker.firstThreadName = "other-1";

    assertThat(series.name).isEqualTo("orders");
    assertThat(series.overflow).isFalse();
    assertThat(registry.series(tracker)).isSameAs(series);
  }

  @Test
  void collectedExecutorReleasesItsName() {
    ExecutorRegistry registry = registry(1);
    ExecutorTracker dropped = trackUnreachable(registry, "worker-1");
    assertThat(dropped.series.name).isEqualTo("worker");

    Gc.until(() -> {
      registry.live();
      return dropped.released;
    }, "the collected executor released");

    assertThat(dropped.executor()).isNull();
    assertThat(registry.all()).isEmpty();
    ExecutorTracker next = registry.track(executor(), Sighting.OTHER);
    next.firstThreadName = "worker-2";
    ExecutorSeries series = registry.series(next);
    assertThat(series.overflow).as("the cap of one is free again").isFalse();
    assertThat(series.name).as("and so is the name").isEqualTo("worker");
  }

  /**
   * Tracks and names an executor that nothing else references (it never started a thread); its
   * tracker holds it weakly.
   */
  private static ExecutorTracker trackUnreachable(ExecutorRegistry registry, String threadName) {
    ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
    ExecutorTracker tracker = registry.track(executor, Sighting.OTHER);
    tracker.firstThreadName = threadName;
    registry.series(tracker);
    return tracker;
  }
}
