package dev.spillway.agent.queue;

import dev.spillway.agent.shedding.Gate;
import dev.spillway.agent.timing.PendingTasks;
import dev.spillway.agent.timing.Sampler;
import dev.spillway.agent.util.QueueCapacity;
import java.lang.ref.WeakReference;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.atomic.LongAdder;

/**
 * What Spillway keeps for one live queue, holding it weakly. By default that is its refused
 * inserts (counted only when one happens) and, at collection, its size and capacity. With details
 * on for its name it also counts inserts and removals and times a sample of waits.
 */
final class QueueTracker {

  /** Queues of the agent itself, and work queues of executors (reported as executors). */
  static final QueueTracker IGNORED = new QueueTracker();

  private final WeakReference<BlockingQueue<?>> queue;
  final String type;
  /** Where the queue was created, or (met after the agent started) first used. */
  final String site;
  /** Whether a rule may refuse its inserts: only queues whose offer may fail by contract. */
  final boolean sheddable;
  /** One of the JDK's own queues, which wildcard rules never match (see JdkCode). */
  final boolean jdkOwned;

  volatile QueueSeries series;
  /** Counts inserts and removals and times waits: from {@code spillway.queue.details}, or a wait rule. */
  volatile boolean details;
  final Sampler sampler;
  final PendingTasks pending = new PendingTasks();
  /** How long a queue built moments ago, and untouched, waits for its first report: see {@link #justBuilt}. */
  static final long JUST_BUILT_NANOS = 500_000_000L;
  private final long registeredNanos;
  final LongAdder enqueued = new LongAdder();
  final LongAdder dequeued = new LongAdder();
  final Refusals refusals = new Refusals();
  /** The shedding rules that apply to this queue; null when none does. */
  volatile Gate gate;
  final QueueSignals signals = new QueueSignals(this);

  /** Last consistent capacity (-1 unbounded, -2 unknown). */
  volatile long capacity = QueueCapacity.UNKNOWN;

  QueueTracker(BlockingQueue<?> queue, String site, Sampler sampler, boolean jdkOwned) {
    this.registeredNanos = System.nanoTime();
    this.queue = new WeakReference<>(queue);
    this.jdkOwned = jdkOwned;
    this.type = queue.getClass().getName();
    this.site = site;
    this.sampler = sampler;
    this.sheddable = queue instanceof ArrayBlockingQueue || queue instanceof LinkedBlockingQueue
        || queue instanceof LinkedBlockingDeque || queue instanceof SynchronousQueue;
  }

  /**
   * Registered moments ago and untouched since: perhaps an executor's work queue whose executor
   * is still being built (it claims the queue in its own constructor, after the queue's), which
   * must never show as a queue of its own. An idle queue is reported from the next collection.
   */
  boolean justBuilt(long now, BlockingQueue<?> queue) {
    return now - registeredNanos < JUST_BUILT_NANOS && enqueued.sum() == 0 && refusals.isEmpty()
        && queue.isEmpty();
  }

  private QueueTracker() {
    this.registeredNanos = 0;
    this.queue = new WeakReference<>(null);
    this.type = "";
    this.site = "";
    this.sampler = new Sampler(Sampler.OFF);
    this.sheddable = false;
    this.jdkOwned = false;
  }

  BlockingQueue<?> queue() {
    return queue.get();
  }

  /** Reads the capacity (may lock the queue: collection or binding only); -1 when unbounded. */
  long capacity(BlockingQueue<?> q) {
    return capacity = QueueCapacity.of(q, capacity);
  }
}
