package dev.spillway.agent.pool;

import dev.spillway.agent.shedding.Gate;
import dev.spillway.agent.shedding.TargetSignals;
import java.lang.ref.WeakReference;
import java.util.concurrent.ThreadLocalRandom;
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
  /** The data source whose getConnection first led here (DBCP2, c3p0), for naming; may be null. */
  private volatile WeakReference<Object> owner;

  /** Set once, when the pool is named; see {@link PoolRegistry#series}. */
  volatile PoolSeries series;
  /** The shedding rules that apply to this pool; null (the usual case) when none does. */
  volatile Gate gate;
  final Signals signals = new Signals();

  final LongAdder timeouts = new LongAdder();
  final LongAdder sheds = new LongAdder();

  /** Acquires are timed when {@code random & mask == 0}: 0 times every one. See {@link PoolTiming}. */
  volatile int sampleMask;
  /** Acquires that passed the mask since the last adjustment, to estimate the rate. */
  final LongAdder sampled = new LongAdder();

  PoolTracker(Object pool, PoolAdapter adapter, Object owner) {
    this.pool = new WeakReference<>(pool);
    this.adapter = adapter;
    this.type = pool.getClass().getName();
    this.owner = owner == null ? null : new WeakReference<>(owner);
  }

  private PoolTracker() {
    this.pool = new WeakReference<>(null);
    this.adapter = null;
    this.type = "";
  }

  /** Whether to record the histograms of the acquire now starting (and of its use). */
  boolean sample() {
    int mask = sampleMask;
    if (mask != 0 && (ThreadLocalRandom.current().nextInt() & mask) != 0) {
      return false;
    }
    sampled.increment();
    return true;
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
