package dev.spillway.agent.executor.vertx;

import dev.spillway.agent.pool.Reflect.FieldReader;
import dev.spillway.agent.util.WeakIdentityMap;
import java.lang.ref.WeakReference;
import java.util.Collection;

/**
 * Vert.x's {@code TaskQueue}s and the executor each feeds. An ordered {@code executeBlocking}
 * (Vert.x's default) queues its task in its context's {@code TaskQueue}, which hands the worker
 * pool one task at a time: while one runs, the others wait there, not in the pool's work queue.
 * Their count is added to the pool's queue size, so that a context whose blocking calls pile up
 * shows as a pool with tasks waiting rather than an idle one.
 *
 * <p>Both are held weakly. JVM-wide, like the JDK executor view that reads it.
 */
public final class VertxTaskQueues {

  private static final FieldReader TASKS = new FieldReader("tasks");
  /** Each task queue, by identity, to what it feeds. */
  private static final WeakIdentityMap<Object, Feeder> FEEDERS = new WeakIdentityMap<>();
  /** The executors some task queue feeds: any other's backlog is 0 after one lookup, no scan. */
  private static final WeakIdentityMap<Object, Boolean> FED = new WeakIdentityMap<>();
  /** Set at the first task queue seen: until then the backlog costs one volatile read. */
  private static volatile boolean any;

  private VertxTaskQueues() {}

  /** {@code queue} queued a task for {@code executor}: one lookup, a write only when new or moved. */
  public static void fed(Object queue, Object executor) {
    Feeder feeder = FEEDERS.get(queue);
    if (feeder != null && feeder.executor.get() == executor) {
      return;
    }
    if (FED.get(executor) == null) {
      FED.putIfAbsent(executor, Boolean.TRUE);
    }
    any = true;
    if (feeder == null) {
      FEEDERS.putIfAbsent(queue, new Feeder(queue, executor));
    } else {
      feeder.executor = new WeakReference<>(executor);
    }
  }

  /**
   * Tasks waiting in the task queues that feed {@code executor} (not counting the one each is
   * running). Read without Vert.x's lock: a size a moment old. At collection, binding, rule checks.
   */
  public static int backlog(Object executor) {
    if (!any || FED.get(executor) == null) {
      return 0;
    }
    int waiting = 0;
    Collection<Feeder> feeders = FEEDERS.values();
    for (Feeder feeder : feeders) {
      Object queue = feeder.queue.get();
      if (queue != null && feeder.executor.get() == executor) {
        waiting += feeder.size(queue);
      }
    }
    return waiting;
  }

  /** Forgets task queues that are gone. */
  public static void expungeStale() {
    FEEDERS.expungeStale(feeder -> { });
    FED.expungeStale(fed -> { });
  }

  private static final class Feeder {
    final WeakReference<Object> queue;
    volatile WeakReference<Object> executor;

    Feeder(Object queue, Object executor) {
      this.queue = new WeakReference<>(queue);
      this.executor = new WeakReference<>(executor);
    }

    int size(Object queue) {
      try {
        return ((Collection<?>) TASKS.get(queue)).size();
      } catch (Exception | LinkageError e) {
        return 0;
      }
    }
  }
}
