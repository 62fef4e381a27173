package dev.spillway.agent.executor.forkjoin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.agent.executor.ExecutorView;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ForkJoinPoolsTest {

  @Test
  void findsPoolsFromTheirWorkersOnceEachWithTheirNames() throws Exception {
    ForkJoinPool crunch = new ForkJoinPool(2, pool -> {
      ForkJoinWorkerThread thread = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
      thread.setName("crunch-" + thread.getPoolIndex());
      return thread;
    }, null, false);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(2);
    try {
      for (int i = 0; i < 2; i++) {
        crunch.execute(() -> {
          running.countDown();
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
      }
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      ForkJoinPool.commonPool().submit(() -> { }).get();

      Set<ForkJoinPool> known = new HashSet<>();
      Map<ForkJoinPool, String> found = new HashMap<>();
      ForkJoinPools pools = new ForkJoinPools(known::contains, (pool, name) -> {
        known.add(pool);
        found.put(pool, name);
      });
      pools.scan();
      assertThat(found.get(crunch)).startsWith("crunch-");
      assertThat(found.get(ForkJoinPool.commonPool())).isEqualTo("ForkJoinPool.commonPool");

      found.clear();
      pools.scan();
      assertThat(found).as("each pool is handed over once").doesNotContainKeys(crunch);
    } finally {
      release.countDown();
      crunch.shutdownNow();
    }
  }

  @Test
  void viewReadsTheGettersAndOnlyForkJoinPools() {
    ForkJoinPool pool = new ForkJoinPool(3);
    try {
      ExecutorView view = ForkJoinPools.view(pool);
      assertThat(view.maximumPoolSize(pool)).isEqualTo(3);
      assertThat(view.corePoolSize(pool)).isEqualTo(-1);
      assertThat(view.completedTaskCount(pool)).isEqualTo(-1);
      assertThat(view.queueCapacity(pool, 0)).isEqualTo(-1);
      assertThat(view.sheddable()).isFalse();
      assertThat(ForkJoinPools.view(new Object())).isNull();
    } finally {
      pool.shutdownNow();
    }
  }
}
