package dev.spillway.agent.pool;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.shedding.BoundRule;
import dev.spillway.agent.shedding.Gate;
import dev.spillway.agent.timing.CoarseClock;
import dev.spillway.agent.util.WeakIdentityMap;
import dev.spillway.bootstrap.PoolHooks;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's side of {@link PoolHooks}: what happens when a pool hands out, takes back and
 * creates connections.
 *
 * <p>An acquire that feeds no histogram (all of them but up to 1000 a second per pool, by default)
 * costs one lock-free identity lookup of the pool, a null check for shedding rules, a sampling
 * decision and two reads of the {@link CoarseClock}: the time it took, to the millisecond, is all
 * a slow-acquire span or a {@code wait} rule needs, and every acquire is still timed, so that none
 * of them misses one. The exit hook looks nothing up unless the acquire was sampled, failed, was
 * slow or has rules (the entry hook's return value says which), and a release looks nothing up
 * while no sampled borrow is out. A sampled acquire reads {@link System#nanoTime()} at both ends,
 * records the wait, and keeps its borrow time on the pooled item (an entry the pool reuses, so
 * after its first borrow nothing is allocated) for the use time at release. Gauges are never read
 * here. Timeouts are told apart from other failures by the library's adapter; slow or timed-out
 * acquires make a span.
 *
 * <p>The hooks call nothing that is instrumented (the SDK pools nothing through JDBC, and exports
 * through the JDK's HTTP client or the agent's relocated OkHttp, neither of which is woven), so
 * they cannot recurse, and need no re-entrancy guard.
 *
 * <p>Nothing escapes to the application except a shedding rule's deliberate refusal: the decision
 * is made inside a catch-all that admits the request on any failure of ours, and the refusal is
 * thrown outside it (a checked {@code SQLTransientConnectionException} thrown through hooks that do
 * not declare it: the JVM does not check exceptions, only javac does).
 */
final class PoolHookDelegate implements PoolHooks.Delegate {

  /**
   * A lease whose connection (or, for OkHttp, dispatcher slot) the library hands over later, on
   * another thread, still waiting: the pool (which the lease refers to anyway) and its start.
   */
  private static final class PendingLease {
    final Object pool;
    final long start;

    PendingLease(Object pool, long start) {
      this.pool = pool;
      this.start = start;
    }
  }

  /** When a pooled item was last handed out; 0 while it is in the pool. */
  private static final class Borrow {
    volatile long at;
  }

  /** In the entry hook's return value: the acquire feeds the histograms (its times are nanoTime). */
  private static final long SAMPLED = 1;
  /** In the entry hook's return value: the pool has rules, which the exit hook must tell. */
  private static final long RULES = 2;
  private static final long FLAGS = SAMPLED | RULES;

  private final PoolRegistry registry;
  private final CoarseClock clock;
  private final WeakIdentityMap<Object, Borrow> borrows = new WeakIdentityMap<>();
  /** Marks a lease that ended on another thread before its lease call registered it. */
  private static final PendingLease ENDED = new PendingLease(null, 0);
  /**
   * This thread's lease call in progress whose lease is its argument (OkHttp's enqueue): the
   * lease, the lease again once it ended inside the call, and its pool's tracker. Cleared when the
   * call returns: no object of the application stays here. A future lease needs none: its
   * future tells whether it ended.
   */
  private final ThreadLocal<Object[]> leaseHere = ThreadLocal.withInitial(() -> new Object[3]);
  /**
   * The tracker of the last pool whose lease call takes its lease as its argument (an OkHttp
   * dispatcher), found by a reference compare instead of a lookup, which hashes the pool: most
   * applications share one client. Ours only (the pool is weak in it), gone with this delegate.
   */
  private volatile PoolTracker lastLeasePool;
  /** Async leases still waiting, weakly: a lease the library drops unended is let go. */
  private final WeakIdentityMap<Object, PendingLease> pendingLeases = new WeakIdentityMap<>();
  /** How many: while none waits, the end of a lease has nothing to look up. */
  private final AtomicLong leasesPending = new AtomicLong();
  /** Sampled borrows not yet back: while none is out, a release has nothing to look up. */
  private final AtomicLong sampledOut = new AtomicLong();
  /** The data source whose getConnection this thread is in (c3p0), or null. */
  private final ThreadLocal<Object> dataSource = new ThreadLocal<>();
  private final long slowNanos;
  /** Records nothing until the SDK is up: tracking starts first, so that no pool is missed. */
  private volatile PoolMetrics metrics;
  private volatile PoolSpans spans;

  PoolHookDelegate(PoolRegistry registry, PoolMetrics metrics, long slowNanos, CoarseClock clock) {
    this.registry = registry;
    this.clock = clock;
    this.metrics = metrics;
    this.slowNanos = slowNanos;
  }

  void report(PoolMetrics metrics, PoolSpans spans) {
    this.spans = spans;
    this.metrics = metrics;
  }

  /** The pool's tracker, registered and named at its first acquire; the ignored marker for none of ours. */
  private PoolTracker acquiring(Object pool, int library) {
    PoolTracker tracker = registry.get(pool);
    if (tracker == null || (tracker.series == null && tracker != PoolTracker.IGNORED)) {
      tracker = registry.track(pool, library, dataSource.get());
      if (tracker != PoolTracker.IGNORED) {
        clock.start(); // ticks from the first pool on
        // Named now, with the data source known, so that rules bind before the first admission.
        registry.series(tracker);
      }
    }
    return tracker;
  }

  /** An admitted acquire's start, with in its two lowest bits what the exit hook must do. */
  private long start(PoolTracker tracker, Gate gate) {
    // Three nanoseconds are no loss.
    long start = tracker.sampler.sample() ? (System.nanoTime() & ~FLAGS) | SAMPLED : clock.now() & ~FLAGS;
    if (gate != null) {
      start |= RULES;
    }
    return start == 0 ? FLAGS + 1 : start;
  }

  @Override
  public long onAcquire(Object pool, int library) {
    PoolTracker tracker;
    BoundRule refusal;
    try {
      tracker = acquiring(pool, library);
      if (tracker == PoolTracker.IGNORED) {
        return 0;
      }
      Gate gate = tracker.gate;
      refusal = gate == null ? null : gate.admit();
      if (refusal == null) {
        return start(tracker, gate);
      }
      tracker.sheds.increment();
      shedEvent(tracker, pool, refusal);
    } catch (Throwable t) {
      AgentLog.warnOnce("pool-acquire-hook", "connection pool hook failed, requests are admitted unmeasured: " + t);
      return 0;
    }
    throw sneaky(tracker.adapter.refusal(pool, refusal.message(), dataSource.get() != null));
  }

  @Override
  public void afterAcquire(Object pool, int library, long start, Object returned, Throwable thrown) {
    acquired(pool, start, returned, thrown, true);
  }

  /**
   * An acquire ended: {@code onCallerThread} when on the thread that asked for it (its span then
   * has the application's current span as parent); false for an async lease that ended on a
   * library thread, whose current span is not the requester's (its span is then a root).
   */
  private void acquired(Object pool, long start, Object returned, Throwable thrown, boolean onCallerThread) {
    if (start == 0) {
      return;
    }
    boolean sampled = (start & SAMPLED) != 0;
    long now = sampled ? System.nanoTime() : clock.now();
    long wait = now - (start & ~FLAGS);
    if ((start & (SAMPLED | RULES)) == 0 && thrown == null && wait < slowNanos) {
      return; // the usual acquire: nothing to record, nothing to look up
    }
    PoolTracker tracker = registry.get(pool);
    if (tracker == null || tracker == PoolTracker.IGNORED) {
      return;
    }
    Gate gate = tracker.gate;
    if (gate != null && gate.watchesWait()) {
      gate.countDequeue();
      gate.onDequeue(wait, now);
    }
    if (thrown == null) {
      if (sampled) {
        metrics.recordWait(tracker, wait);
        if (returned != null) {
          borrowed(tracker, returned, now);
        }
      }
      if (wait >= slowNanos) {
        span(tracker, pool, wait, PoolSpans.Outcome.OK, null, onCallerThread);
      }
      return;
    }
    boolean timeout = tracker.adapter.isTimeout(thrown);
    if (timeout) {
      tracker.timeouts.increment();
    }
    if (timeout || wait >= slowNanos) {
      span(tracker, pool, wait, timeout ? PoolSpans.Outcome.TIMEOUT : PoolSpans.Outcome.ERROR, thrown, onCallerThread);
    }
  }

  private void span(PoolTracker tracker, Object pool, long wait, PoolSpans.Outcome outcome, Throwable thrown,
      boolean onCallerThread) {
    PoolSpans current = spans;
    if (current != null) {
      current.acquired(tracker, registry.series(tracker), pool.getClass(), wait, outcome, thrown, onCallerThread);
    }
  }

  /** The refusal as an event on the caller's span; a failure here never stops the refusal. */
  private void shedEvent(PoolTracker tracker, Object pool, BoundRule refusal) {
    PoolSpans current = spans;
    try {
      if (current != null) {
        current.shed(tracker, registry.series(tracker), pool.getClass(), refusal);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("pool-shed-event", "cannot add shed events to the application's spans: " + t);
    }
  }

  /** Keeps when a sampled item was handed out, on the item, which the pool reuses. */
  private void borrowed(PoolTracker tracker, Object returned, long now) {
    Object item;
    try {
      item = tracker.adapter.pooledItem(returned);
    } catch (Exception | LinkageError e) {
      return;
    }
    if (item == null) {
      return;
    }
    Borrow borrow = borrows.get(item);
    if (borrow == null) {
      borrow = borrows.computeIfAbsent(item, i -> new Borrow());
    }
    if (borrow.at == 0) {
      sampledOut.incrementAndGet();
    }
    borrow.at = now;
  }

  @Override
  public void onRelease(Object pool, int library, Object item) {
    // The pool hands an item from its borrower to its release through its own synchronisation,
    // so a sampled borrow of this item is counted here by now.
    if (sampledOut.get() == 0) {
      return;
    }
    Borrow borrow = item == null ? null : borrows.get(item);
    if (borrow == null) {
      return;
    }
    long at = borrow.at;
    if (at == 0) {
      return;
    }
    borrow.at = 0;
    sampledOut.decrementAndGet();
    PoolTracker tracker = registry.get(pool);
    if (tracker != null && tracker != PoolTracker.IGNORED) {
      metrics.recordUse(tracker, System.nanoTime() - at);
    }
  }

  @Override
  public long beforeCreate(Object pool, int library) {
    PoolTracker tracker = registry.track(pool, library, dataSource.get());
    if (tracker == PoolTracker.IGNORED) {
      return 0;
    }
    // A pool met first here may be named by a collection before its first acquire, which then
    // takes the fast path: the clock must tick by then.
    clock.start();
    return System.nanoTime();
  }

  @Override
  public void afterCreate(Object pool, int library, long start, Object created, Throwable thrown) {
    if (start == 0 || created == null || thrown != null) {
      return;
    }
    PoolTracker tracker = registry.get(pool);
    if (tracker != null && tracker != PoolTracker.IGNORED) {
      metrics.recordCreate(tracker, System.nanoTime() - start);
    }
    // A pool may reuse an entry whose last borrow never came back (Tomcat re-connects abandoned
    // ones): that borrow's time must not become the use time of its next, unsampled borrow.
    Borrow stale = borrows.get(created);
    if (stale != null && stale.at != 0) {
      stale.at = 0;
      sampledOut.decrementAndGet();
    }
  }

  @Override
  public Object enterDataSource(Object source) {
    Object previous = dataSource.get();
    dataSource.set(source);
    return previous;
  }

  @Override
  public void exitDataSource(Object previous) {
    // set, not remove: the thread's entry stays for its next getConnection.
    dataSource.set(previous);
  }

  @Override
  public void onUse(Object pool, int library) {
    try {
      PoolTracker tracker = registry.get(pool);
      if (tracker == null || (tracker.series == null && tracker != PoolTracker.IGNORED)) {
        tracker = registry.track(pool, library, null);
        if (tracker != PoolTracker.IGNORED) {
          registry.series(tracker); // named now, as at an acquire (its name was taken on this thread: nameAtFirstSight)
        }
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("pool-use-hook", "connection pool hook failed: " + t);
    }
  }

  /** A lease method that returns a future (HttpClient 5 async): whether it ended is the future's to say. */
  @Override
  public Object onAsyncAcquire(Object pool, int library, Object callback) {
    try {
      PoolTracker tracker = acquiring(pool, library);
      return tracker == PoolTracker.IGNORED ? null : refusal(tracker, pool, callback);
    } catch (Throwable t) {
      AgentLog.warnOnce("pool-async-acquire-hook", "connection pool hook failed, leases are admitted: " + t);
      return null;
    }
  }

  /**
   * What an async lease returns instead when a shedding rule refuses it, the lease failed the
   * library's way (see {@link PoolAdapter#failedAsyncAcquire}); null when admitted. A lease method
   * whose lease is its argument gets a {@code Throwable} from its adapter.
   */
  private Object refusal(PoolTracker tracker, Object pool, Object lease) throws Exception {
    Gate gate = tracker.gate;
    BoundRule refusal = gate == null ? null : gate.admit();
    if (refusal == null) {
      return null;
    }
    Object failed = tracker.adapter.failedAsyncAcquire(pool, lease, refusal.message());
    if (failed != null) {
      tracker.sheds.increment();
      shedEvent(tracker, pool, refusal);
    }
    return failed;
  }

  @Override
  public void afterAsyncAcquire(Object pool, int library, Object lease) {
    try {
      PoolTracker tracker = lease == null ? null : registry.get(pool);
      if (tracker != null && tracker != PoolTracker.IGNORED) {
        leaseCallReturned(pool, tracker, lease);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("pool-async-acquire-hook", "connection pool hook failed, leases are admitted: " + t);
    }
  }

  /**
   * One reference compare and one thread-local read for the whole lease call, while the pool is
   * the last one seen (on any thread) and has no rules: the state goes back to the exit, which neither reads
   * the clock nor looks anything up when the lease ended inside the call (an OkHttp call promoted
   * at once: its wait is 0 by construction). A lease call inside another on the same thread (a
   * call whose executor runs it on the enqueuing thread, and whose callback enqueues) leaves the
   * outer one's state alone and goes the way of a lease that waits.
   */
  @Override
  public Object onAsyncAcquireOf(Object pool, int library, Object lease) {
    try {
      PoolTracker tracker = lastLeasePool;
      if (tracker == null || tracker.pool() != pool || tracker.gate != null || tracker.released || lease == null) {
        return enterLeaseCallOfOther(pool, library, lease);
      }
      return enterLeaseCall(tracker, lease);
    } catch (Throwable t) {
      AgentLog.warnOnce("pool-async-acquire-hook", "connection pool hook failed, leases are admitted: " + t);
      return null;
    }
  }

  /** A pool other than the last one, seen for the first time, or one with rules, which may refuse here. */
  private Object enterLeaseCallOfOther(Object pool, int library, Object lease) throws Exception {
    PoolTracker tracker = acquiring(pool, library);
    if (tracker == PoolTracker.IGNORED || lease == null) {
      return null;
    }
    Object failed = refusal(tracker, pool, lease);
    if (failed instanceof Throwable) {
      return failed;
    }
    if (lastLeasePool != tracker) {
      lastLeasePool = tracker; // written only when the pool changes: read-only for one shared client
    }
    return enterLeaseCall(tracker, lease);
  }

  private Object enterLeaseCall(PoolTracker tracker, Object lease) {
    Object[] here = leaseHere.get();
    if (here[0] != null) {
      return tracker; // inside another lease call: see onAsyncAcquireOf
    }
    here[0] = lease;
    here[1] = null;
    here[2] = tracker;
    return here;
  }

  @Override
  public void afterAsyncAcquireOf(Object pool, Object state, Object lease) {
    try {
      if (state instanceof Object[]) {
        Object[] here = (Object[]) state;
        boolean endedHere = here[1] == lease;
        PoolTracker tracker = (PoolTracker) here[2];
        here[0] = null;
        here[1] = null;
        here[2] = null;
        if (endedHere) {
          waitedNothing(tracker);
        } else {
          leaseCallReturned(pool, tracker, lease);
        }
      } else if (state instanceof PoolTracker) {
        leaseCallReturned(pool, (PoolTracker) state, lease);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("pool-async-acquire-hook", "connection pool hook failed, leases are admitted: " + t);
    }
  }

  /** A lease that ended inside its own lease call, recorded as waiting 0 without reading a clock. */
  private void waitedNothing(PoolTracker tracker) {
    Gate gate = tracker.gate;
    if (gate != null && gate.watchesWait()) {
      gate.countDequeue();
      gate.onDequeue(0, clock.now());
    }
    if (tracker.sampler.sample()) {
      metrics.recordWait(tracker, 0);
    }
  }

  /** The lease call of a tracked pool returned {@code lease}: recorded now if it ended, else kept until it ends. */
  private void leaseCallReturned(Object pool, PoolTracker tracker, Object lease) {
    long start = start(tracker, tracker.gate);
    Future<?> future = lease instanceof Future ? (Future<?>) lease : null;
    if (future != null && future.isDone()) {
      acquired(pool, start, null, failure(future), true); // found its connection at once
      return;
    }
    // Waits: kept until the library ends it (allocates, as a wait does).
    PendingLease waiting = new PendingLease(pool, start);
    PendingLease known = pendingLeases.putIfAbsent(lease, waiting);
    if (known != waiting) {
      // Ended on another thread already, before this call registered it (OkHttp).
      pendingLeases.remove(lease);
      acquired(pool, start, null, null, true);
      return;
    }
    leasesPending.incrementAndGet();
    // Ended meanwhile, on another thread: whoever takes it out records it.
    if (future != null && future.isDone()) {
      finish(lease, future);
    }
  }

  @Override
  public void onAsyncAcquired(Object lease) {
    try {
      if (lease instanceof Future) {
        Future<?> future = (Future<?>) lease;
        // HttpClient 5's leaseCompleted ends the lease only once a reused connection is checked;
        // one done inside its lease call is seen done there, on return.
        if (future.isDone() && leasesPending.get() != 0) {
          finish(lease, future);
        }
        return;
      }
      Object[] here = leaseHere.get();
      if (here[0] == lease) {
        here[1] = lease; // inside its own lease call, which records it on return: the usual case
        return;
      }
      if (leasesPending.get() != 0 && finish(lease, null)) {
        return;
      }
      // Ended before its lease call, on another thread, registered it: that call records it.
      PendingLease known = pendingLeases.putIfAbsent(lease, ENDED);
      if (known != ENDED && pendingLeases.remove(lease) != null) {
        leasesPending.decrementAndGet(); // registered meanwhile
        acquired(known.pool, known.start, null, null, false);
      }
    } catch (Throwable t) {
      AgentLog.warnOnce("pool-async-acquired-hook", "connection pool hook failed: " + t);
    }
  }

  /** Records {@code lease}'s wait if it was still registered; whether it was. */
  private boolean finish(Object lease, Future<?> future) {
    PendingLease pending = pendingLeases.remove(lease);
    if (pending == null || pending == ENDED) {
      return false;
    }
    leasesPending.decrementAndGet();
    acquired(pending.pool, pending.start, null, failure(future), false);
    return true;
  }

  /** How a done lease failed, or null if it got its connection (or has no future: OkHttp). */
  private static Throwable failure(Future<?> done) {
    if (done == null) {
      return null;
    }
    if (done.isCancelled()) {
      return new CancellationException();
    }
    try {
      done.get();
      return null;
    } catch (ExecutionException e) {
      return e.getCause() != null ? e.getCause() : e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Drops borrow times of items the pools have let go, and leases they dropped unended. */
  void housekeeping() {
    borrows.expungeStale(b -> {
      if (b.at != 0) {
        sampledOut.decrementAndGet(); // never came back
      }
    });
    pendingLeases.expungeStale(p -> {
      if (p != ENDED) {
        leasesPending.decrementAndGet();
      }
    });
  }

  @SuppressWarnings("unchecked")
  private static <T extends Throwable> RuntimeException sneaky(Throwable t) throws T {
    throw (T) t;
  }
}
