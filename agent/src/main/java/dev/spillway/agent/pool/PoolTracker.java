package dev.spillway.agent.pool;

import dev.spillway.agent.shedding.Gate;
import dev.spillway.agent.shedding.TargetSignals;
import dev.spillway.agent.timing.Sampler;
import dev.spillway.agent.timing.TaskSampling;
import dev.spillway.agent.timing.WaitSketch;
import dev.spillway.agent.trace.EventBudget;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * What Spillway keeps for one live pool. It holds the pool (and the data source it was first seen
 * serving) weakly: the agent never keeps an application's pool alive.
 */
final class PoolTracker {

  /** Marks pools that belong to the agent or that no adapter accepts. */
  static final PoolTracker IGNORED = new PoolTracker();

  private final WeakReference<Object> pool;
  final PoolAdapter adapter;
  final String type;
  /** The data source whose getConnection first led here (c3p0), for naming; may be null. */
  private volatile WeakReference<Object> owner;

  /** Set once, when the pool is named; see {@link PoolRegistry#series}. */
  volatile PoolSeries series;
  /** Closed or collected, and out of the registry: its counts are the registry's now. */
  volatile boolean released;
  /** The shedding rules that apply to this pool; null (the usual case) when none does. */
  volatile Gate gate;
  final Signals signals = new Signals();

  final LongAdder timeouts = new LongAdder();
  final LongAdder sheds = new LongAdder();
  /** Bounds the span events of its timeouts and sheds (see {@link PoolSpans}). */
  final EventBudget events = new EventBudget(EventBudget.PER_TARGET);

  /** Which acquires feed the wait and use-time histograms; see {@link TaskSampling}. */
  final Sampler sampler;
  /** HTTP client pools: the routes with a series of their own, read at collection. */
  final RouteSeries routes = new RouteSeries();
  /** Recent acquire waits, for {@code spillway status}. */
  final WaitSketch waits = new WaitSketch();

  /** What the thread that first met the pool could tell of its name; see {@link PoolAdapter#nameAtFirstSight}. */
  final String firstSightName;

  PoolTracker(Object pool, PoolAdapter adapter, Object owner, Sampler sampler, String firstSightName) {
    this.firstSightName = firstSightName;
    this.pool = new WeakReference<>(pool);
    this.adapter = adapter;
    this.type = pool.getClass().getName();
    this.owner = owner == null ? null : new WeakReference<>(owner);
    this.sampler = sampler;
  }

  private PoolTracker() {
    this.firstSightName = null;
    this.pool = new WeakReference<>(null);
    this.adapter = null;
    this.type = "";
    this.sampler = new Sampler(Sampler.OFF);
  }

  /** The pool, or null once it was collected. */
  Object pool() {
    return pool.get();
  }

  Object owner() {
    WeakReference<Object> ref = owner;
    return ref == null ? null : ref.get();
  }

  /** Learns the data source, if not known yet: naming waits for it where it matters. */
  void seenWith(Object dataSource) {
    if (dataSource != null && owner == null) {
      owner = new WeakReference<>(dataSource);
    }
  }

  /** What shedding rules read from a pool: requests waiting for a connection. */
  final class Signals extends TargetSignals {
    @Override
    public int queueSize() {
      return pending();
    }

    @Override
    public long queueCapacity() {
      return -1;
    }

    @Override
    public int pending() {
      Object p = pool();
      if (p == null) {
        return 0;
      }
      try {
        return Math.max(0, adapter.pending(p));
      } catch (Exception e) {
        return 0;
      }
    }
  }
}
