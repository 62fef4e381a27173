package dev.spillway.agent.queue;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.agent.config.Settings.TimingMode;
import dev.spillway.agent.timing.TaskSampling;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class QueueRegistryTest {

  private static final String BUILDER = "com.example.naming.QueueBuilder";
  private static final String BUILDER_FILE = BUILDER.replace('.', '/') + ".class";

  /**
   * An application class loader that defines {@code QueueBuilder} itself and makes whoever reads
   * its class file wait until released: a slow jar, or a loader busy with its own lock.
   */
  private static final class SlowClassFileLoader extends ClassLoader {
    final CountDownLatch reading = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    SlowClassFileLoader() {
      super(QueueRegistryTest.class.getClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.equals(BUILDER)) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> loaded = findLoadedClass(name);
        if (loaded == null) {
          try (InputStream in = getParent().getResourceAsStream(BUILDER_FILE)) {
            byte[] bytes = in.readAllBytes();
            loaded = defineClass(name, bytes, 0, bytes.length);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        return loaded;
      }
    }

    @Override
    public InputStream getResourceAsStream(String name) {
      if (name.equals(BUILDER_FILE)) {
        reading.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return super.getResourceAsStream(name);
    }
  }

  private static QueueRegistry registry() {
    return new QueueRegistry(new QueueNaming(""), 100, List.of(), new TaskSampling(TimingMode.OFF, 1000));
  }

  /** Regression (issue 12): naming used to run under the registry's JVM-wide lock. */
  @Test
  void aQueueWhoseNamingWaitsOnItsClassLoaderDoesNotHoldUpAnotherQueue() throws Exception {
    QueueRegistry registry = registry();
    SlowClassFileLoader loader = new SlowClassFileLoader();
    Method build = loader.loadClass(BUILDER).getMethod("build", Consumer.class);
    Consumer<Object> track = registry::track;
    AtomicReference<Object> slowQueue = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread slow = new Thread(() -> {
      try {
        slowQueue.set(build.invoke(null, track));
      } catch (Throwable t) {
        failure.set(t);
      }
    }, "slow-naming");
    BlockingQueue<Object> other = new ArrayBlockingQueue<>(1);
    CountDownLatch otherTracked = new CountDownLatch(1);
    Thread fast = new Thread(() -> {
      registry.track(other);
      otherTracked.countDown();
    }, "other-queue");

    slow.start();
    try {
      assertThat(loader.reading.await(10, TimeUnit.SECONDS)).as("naming reads the builder's class file").isTrue();
      fast.start();
      assertThat(otherTracked.await(10, TimeUnit.SECONDS))
          .as("another queue tracked while the first one's naming waits on its class loader").isTrue();
      assertThat(registry.get(other)).isNotNull().isNotSameAs(QueueTracker.IGNORED);
      assertThat(registry.get(slowQueue.get())).as("the waiting one is not tracked yet").isNull();
    } finally {
      loader.release.countDown();
      slow.join(10_000);
      fast.join(10_000);
    }

    assertThat(failure.get()).isNull();
    QueueTracker tracker = registry.get(slowQueue.get());
    assertThat(tracker).isNotNull();
    assertThat(tracker.series.name).isEqualTo(BUILDER + ".build");
    assertThat(registry.live()).hasSize(2);
  }

  @Test
  void trackingTwiceGivesTheSameTracker() {
    QueueRegistry registry = registry();
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);

    QueueTracker first = registry.track(queue);

    assertThat(first).isNotSameAs(QueueTracker.IGNORED);
    assertThat(registry.track(queue)).isSameAs(first);
    assertThat(registry.live()).containsExactly(first);
  }
}
