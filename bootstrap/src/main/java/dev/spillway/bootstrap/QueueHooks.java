package dev.spillway.bootstrap;

import java.util.concurrent.ThreadLocalRandom;

/**
 * What advice inlined into the JDK's {@code BlockingQueue}s calls.
 *
 * <p>These are the most frequently called methods the agent touches in any JVM, so the default
 * path is as short as can be. Queues built after the agent started are registered by their
 * constructor; a queue built before is found by its inserts, but only one insert in
 * {@value #DISCOVERY_ONE_IN} looks it up, so that the default insert costs a random number, not a
 * map lookup. While some queue is {@link #watching watched} (per-operation details, or a shedding
 * rule), every insert and removal reaches the agent. A refused insert always does. Arguments are
 * {@code Object} for the reasons given in {@link ExecutorHooks}.
 */
public final class QueueHooks {

  /** A non-blocking insert: {@code offer}, {@code offerFirst/Last}, {@code tryTransfer}. */
  public static final int OFFER = 0;
  /** An insert that waits at most a timeout. */
  public static final int OFFER_TIMED = 1;

  /** From {@link #beforeOffer}: a shedding rule refuses this insert; skip it (offer returns false). */
  public static final long REFUSE = Long.MIN_VALUE;
  /** From {@code before...}: count this insert on exit, but it is not timed. */
  public static final long COUNT = Long.MIN_VALUE + 1;

  /** The agent's side of the queue hooks. Implementations never throw. */
  public interface Delegate {
    /** A queue finished its constructor, on the creating thread. */
    void onConstructed(Object queue);

    /**
     * Before a non-blocking or timed insert: {@link #REFUSE}, {@link #COUNT}, 0 (nothing to do on
     * exit unless refused), or the {@code System.nanoTime()} it started at (timed).
     */
    long beforeOffer(Object queue, Object element);

    /** After such an insert: {@code started} is what {@link #beforeOffer} returned. */
    void afterOffer(Object queue, Object element, boolean inserted, long started, int operation);

    /** Before a blocking insert ({@code put}, {@code transfer}): {@link #COUNT}, 0 or a start time. */
    long beforePut(Object queue, Object element);

    /** After a blocking insert that completed. */
    void afterPut(Object queue, Object element, long started);

    /** After a removal ({@code poll}, {@code take}...); {@code element} is null when none came. */
    void afterTake(Object queue, Object element);

    /** {@code add} threw because the queue was full: the refused offer beneath it was an add. */
    void onAddRefused(Object queue);
  }

  public static final Delegate NO_OP = new Delegate() {
    @Override public void onConstructed(Object queue) {}
    @Override public long beforeOffer(Object queue, Object element) { return 0; }
    @Override public void afterOffer(Object queue, Object element, boolean inserted, long started, int operation) {}
    @Override public long beforePut(Object queue, Object element) { return 0; }
    @Override public void afterPut(Object queue, Object element, long started) {}
    @Override public void afterTake(Object queue, Object element) {}
    @Override public void onAddRefused(Object queue) {}
  };

  /** True while some queue has details or a rule: only then does every operation call the agent. */
  public static volatile boolean watching;

  /** When nothing is watched, one insert in this many looks its queue up, to find queues built before the agent. */
  public static final int DISCOVERY_ONE_IN = 64;

  private static volatile Delegate delegate = NO_OP;

  private QueueHooks() {}

  public static void install(Delegate newDelegate) {
    delegate = newDelegate == null ? NO_OP : newDelegate;
  }

  public static void onConstructed(Object queue) {
    delegate.onConstructed(queue);
  }

  public static long beforeOffer(Object queue, Object element) {
    if (!watching && (ThreadLocalRandom.current().nextInt() & (DISCOVERY_ONE_IN - 1)) != 0) {
      return 0;
    }
    return delegate.beforeOffer(queue, element);
  }

  public static void afterOffer(Object queue, Object element, boolean inserted, long started, int operation) {
    delegate.afterOffer(queue, element, inserted, started, operation);
  }

  public static long beforePut(Object queue, Object element) {
    if (!watching && (ThreadLocalRandom.current().nextInt() & (DISCOVERY_ONE_IN - 1)) != 0) {
      return 0;
    }
    return delegate.beforePut(queue, element);
  }

  public static void afterPut(Object queue, Object element, long started) {
    delegate.afterPut(queue, element, started);
  }

  public static void afterTake(Object queue, Object element) {
    delegate.afterTake(queue, element);
  }

  public static void onAddRefused(Object queue) {
    delegate.onAddRefused(queue);
  }
}
