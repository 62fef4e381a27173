package dev.spillway.agent.queue;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.shedding.Gate;
import dev.spillway.bootstrap.QueueHooks;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * The agent's side of {@link QueueHooks}.
 *
 * <p>By default inserts and removals cost next to nothing (see {@link QueueHooks}); a refused
 * insert is counted. Queues with details count every insert and removal and time a sample of
 * waits; queues with a rule check it on every insert. All of it is leaf code: nothing here
 * inserts into a queue, so it cannot recurse; any failure admits the element and is reported once.
 */
final class QueueHookDelegate implements QueueHooks.Delegate {

  private final QueueRegistry registry;
  /** The reason of this thread's last refused insert, for an {@code add} that throws right after. */
  private final ThreadLocal<int[]> lastRefusal = ThreadLocal.withInitial(() -> new int[1]);
  /** Records nothing until the SDK is up. */
  private volatile QueueMetrics metrics;

  QueueHookDelegate(QueueRegistry registry, QueueMetrics metrics) {
    this.registry = registry;
    this.metrics = metrics;
  }

  void setMetrics(QueueMetrics metrics) {
    this.metrics = metrics;
  }

  @Override
  public void onConstructed(Object queue) {
    try {
      registry.track(queue);
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public long beforeOffer(Object queue, Object element) {
    try {
      QueueTracker tracker = tracker(queue);
      if (tracker == QueueTracker.IGNORED) {
        // An executor's work queue: its refusals are the executor's, counted there.
        return registry.refusedByOwner(queue, element) ? QueueHooks.REFUSE : 0;
      }
      Gate gate = tracker.gate;
      if (gate != null && gate.admit() != null) {
        return QueueHooks.REFUSE;
      }
      return tracker.details ? start(tracker, element) : 0;
    } catch (Throwable t) {
      failed(t);
      return 0;
    }
  }

  @Override
  public void afterOffer(Object queue, Object element, boolean inserted, long started, int operation) {
    try {
      // A refused insert registers a queue not met yet: no refusal goes uncounted.
      QueueTracker tracker = inserted ? registry.get(queue) : tracker(queue);
      if (tracker == null || tracker == QueueTracker.IGNORED) {
        return;
      }
      if (!inserted) {
        int reason = started == QueueHooks.REFUSE ? Refusals.SHED : Refusals.FULL;
        tracker.refusals.increment(operation, reason);
        lastRefusal.get()[0] = reason;
        if (isTime(started)) {
          tracker.pending.discard(element);
        }
        return;
      }
      tracker.enqueued.increment();
      if (operation == QueueHooks.OFFER_TIMED && isTime(started)) {
        metrics.recordBlocked(tracker, System.nanoTime() - started);
      }
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public long beforePut(Object queue, Object element) {
    try {
      QueueTracker tracker = tracker(queue);
      return tracker == QueueTracker.IGNORED || !tracker.details ? 0 : start(tracker, element);
    } catch (Throwable t) {
      failed(t);
      return 0;
    }
  }

  @Override
  public void afterPut(Object queue, Object element, long started) {
    try {
      QueueTracker tracker = registry.get(queue);
      if (tracker == null || tracker == QueueTracker.IGNORED) {
        return;
      }
      tracker.enqueued.increment();
      if (isTime(started)) {
        metrics.recordBlocked(tracker, System.nanoTime() - started);
      }
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void afterTake(Object queue, Object element) {
    try {
      QueueTracker tracker = registry.get(queue);
      if (tracker == null || tracker == QueueTracker.IGNORED) {
        return;
      }
      Gate gate = tracker.gate;
      if (gate != null && gate.watchesWait()) {
        gate.countDequeue();
      }
      if (!tracker.details) {
        return;
      }
      tracker.dequeued.increment();
      long waited;
      if (element instanceof Delayed) {
        // A delayed element waits from when it became due, which its own delay tells.
        if (!tracker.sampler.sample()) {
          return;
        }
        waited = Math.max(0, -((Delayed) element).getDelay(TimeUnit.NANOSECONDS));
      } else {
        long inserted = tracker.pending.take(element);
        if (inserted == -1) {
          return;
        }
        waited = System.nanoTime() - inserted;
      }
      metrics.recordWait(tracker, waited);
      if (gate != null) {
        gate.onDequeue(waited, System.nanoTime());
      }
    } catch (Throwable t) {
      failed(t);
    }
  }

  @Override
  public void onAddRefused(Object queue) {
    try {
      QueueTracker tracker = registry.get(queue);
      if (tracker != null && tracker != QueueTracker.IGNORED) {
        tracker.refusals.relabelAsAdd(lastRefusal.get()[0]);
      }
    } catch (Throwable t) {
      failed(t);
    }
  }

  private QueueTracker tracker(Object queue) {
    QueueTracker tracker = registry.get(queue);
    return tracker != null ? tracker : registry.track(queue);
  }

  /** For a queue with details: a start time when this item is sampled, else just count it. */
  private static long start(QueueTracker tracker, Object element) {
    if (!tracker.sampler.sample()) {
      return QueueHooks.COUNT;
    }
    long now = System.nanoTime();
    if (!isTime(now)) {
      return QueueHooks.COUNT;
    }
    if (!(element instanceof Delayed)) {
      tracker.pending.add(element, now);
    }
    return now;
  }

  private static boolean isTime(long started) {
    return started != 0 && started != QueueHooks.REFUSE && started != QueueHooks.COUNT;
  }

  private static void failed(Throwable t) {
    AgentLog.warnOnce("queue-hook", "queue hook failed, queues run on unmeasured: " + t);
  }
}
