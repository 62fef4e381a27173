package dev.spillway.bootstrap;

/**
 * What advice inlined into the JDK's {@code BlockingQueue}s calls.
 *
 * <p>These are the most frequently called methods the agent touches in any JVM, so the default
 * path is as short as can be: an insert makes one call (which finds the queue, or registers one
 * met for the first time, and checks for a shedding rule); a removal calls nothing unless some
 * queue is {@link #watching watched} (per-operation details or a rule that reads waits); a
 * successful insert's exit calls nothing unless its entry asked to. Arguments are {@code Object}
 * for the reasons given in {@link ExecutorHooks}.
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

  /** True while some queue has details or a rule: only then do removals call the agent. */
  public static volatile boolean watching;

  private static volatile Delegate delegate = NO_OP;

  private QueueHooks() {}

  public static void install(Delegate newDelegate) {
    delegate = newDelegate == null ? NO_OP : newDelegate;
  }

  public static void onConstructed(Object queue) {
    delegate.onConstructed(queue);
  }

  public static long beforeOffer(Object queue, Object element) {
    return delegate.beforeOffer(queue, element);
  }

  public static void afterOffer(Object queue, Object element, boolean inserted, long started, int operation) {
    delegate.afterOffer(queue, element, inserted, started, operation);
  }

  public static long beforePut(Object queue, Object element) {
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
