package dev.spillway.agent.executor.forkjoin;

import dev.spillway.agent.executor.ExecutorView;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Finds {@code ForkJoinPool}s from their worker threads, once a second and at install, so that
 * nothing of the pool is rewritten and no task pays anything: each is named once, then read from
 * its getters at collection. A pool is found within a second of its first worker starting (a pool
 * that never ran a task has nothing to report); once found it stays until collected or terminated.
 *
 * <p>Names: the common pool is {@code ForkJoinPool.commonPool}; the pool whose workers are the JDK's
 * carrier threads is the virtual-thread scheduler ({@code virtual-thread-scheduler}, JDK 21+);
 * others are named from their threads as executors are ({@code ForkJoinPool-3-worker-1}, the JDK's
 * default, says nothing: such a pool is {@code ForkJoinPool}, {@code ForkJoinPool#2}...).
 */
public final class ForkJoinPools {

  static final String COMMON = "ForkJoinPool.commonPool";
  static final String VIRTUAL_THREAD_SCHEDULER = "virtual-thread-scheduler";
  private static final String CARRIER_THREAD = "jdk.internal.misc.CarrierThread";

  /** Whether a pool is tracked already; the rest are handed to {@link #found} with a name. */
  private final Predicate<ForkJoinPool> known;
  private final BiConsumer<ForkJoinPool, String> found;
  private Thread[] threads = new Thread[64];

  public ForkJoinPools(Predicate<ForkJoinPool> known, BiConsumer<ForkJoinPool, String> found) {
    this.known = known;
    this.found = found;
  }

  /** The view of {@code executor} if it is a {@code ForkJoinPool}; null otherwise. */
  public static ExecutorView view(Object executor) {
    return executor instanceof ForkJoinPool ? ForkJoinView.INSTANCE : null;
  }

  /** Looks at every live platform thread; on the agent's housekeeping thread only. */
  public synchronized void scan() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    int count;
    while ((count = root.enumerate(threads, true)) == threads.length) {
      threads = new Thread[threads.length * 2];
    }
    ForkJoinPool common = ForkJoinPool.commonPool();
    for (int i = 0; i < count; i++) {
      Thread thread = threads[i];
      threads[i] = null; // hold no thread past the scan
      if (thread instanceof ForkJoinWorkerThread) {
        ForkJoinPool pool = ((ForkJoinWorkerThread) thread).getPool();
        if (known.test(pool)) {
          continue;
        }
        String name = pool == common ? COMMON
            : CARRIER_THREAD.equals(thread.getClass().getName()) ? VIRTUAL_THREAD_SCHEDULER
            : thread.getName();
        found.accept(pool, name);
      }
    }
  }
}
