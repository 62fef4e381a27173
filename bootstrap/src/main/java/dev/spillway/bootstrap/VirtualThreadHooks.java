package dev.spillway.bootstrap;

import java.util.concurrent.atomic.LongAdder;

/**
 * What advice inlined into {@code java.lang.VirtualThread} (JDK 21+) calls: one striped increment
 * when a virtual thread starts (counted on entry, since the thread may run and end before
 * {@code start} returns; taken back if the start fails) and one when its task has run to its end.
 *
 * <p>Plain counters, not a delegate: they are facts of the JVM, kept from the first rewritten
 * start on, and a thread that started in rewritten code ends in it even after a detach, so alive
 * ({@code started - ended}) stays exact across a detach and a new attach. A thread that was
 * already running when the class was rewritten runs the old code to its end: neither counted.
 */
public final class VirtualThreadHooks {

  private static final LongAdder STARTED = new LongAdder();
  private static final LongAdder FAILED = new LongAdder();
  private static final LongAdder ENDED = new LongAdder();

  private VirtualThreadHooks() {}

  public static void starting() {
    STARTED.increment();
  }

  public static void startFailed() {
    FAILED.increment();
  }

  public static void ended() {
    ENDED.increment();
  }

  /** Virtual threads started since {@code java.lang.VirtualThread} was rewritten. */
  public static long startedCount() {
    long failed = FAILED.sum();
    return STARTED.sum() - failed;
  }

  /**
   * Of those, the ones alive now. Reads ended first: every thread counted there was counted as
   * started before it, so the difference never counts a thread that is gone.
   */
  public static long aliveCount() {
    long ended = ENDED.sum();
    return Math.max(0, startedCount() - ended);
  }
}
