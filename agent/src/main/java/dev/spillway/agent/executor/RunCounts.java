package dev.spillway.agent.executor;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The runs of one pool that does not count them itself (JBoss Threads' executor leaves its active
 * and completed counts at -1 unless statistics were switched on when its class loaded): per worker
 * thread, a {@link Cell} of two counters that only that thread writes, with plain ordered stores
 * and no atomic instruction (measured: two {@code LongAdder} increments a task cost about +50 ns
 * on this machine's single-worker chain). Collection sums the cells and folds those of threads
 * that have ended into a base.
 *
 * <p>Only tasks whose run started in woven code are counted: a task running when the agent
 * arrived (an attach) runs the old bytecode to its end, neither started nor ended here.
 *
 * <p>The tasks waiting, for a pool that does not count its queue either (JBoss Threads' with an
 * unlimited queue, Quarkus's default): those its {@code execute} took less those it refused and
 * those that started, from when the agent saw the pool. Submitters are any threads, so those two
 * counts are {@code LongAdder}s.
 */
public final class RunCounts {

  /** One worker thread's counts for one pool. Written by that thread only. */
  public static final class Cell {
    private static final VarHandle STARTED;
    private static final VarHandle ENDED;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        STARTED = lookup.findVarHandle(Cell.class, "started", long.class);
        ENDED = lookup.findVarHandle(Cell.class, "ended", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    private final Thread thread;
    private final WeakReference<Object> executor;
    private long started;
    private long ended;

    Cell(Thread thread, Object executor) {
      this.thread = thread;
      this.executor = new WeakReference<>(executor);
    }

    /** Whether this cell counts {@code executor}'s runs (a thread serves one pool). */
    boolean counts(Object pool) {
      return executor.get() == pool;
    }

    void started() {
      STARTED.setOpaque(this, started + 1);
    }

    void ended() {
      ENDED.setOpaque(this, ended + 1);
    }
  }

  /** Guarded by this. */
  private final List<Cell> cells = new ArrayList<>();
  /** What the cells of ended threads counted. Guarded by this. */
  private long endedBase;
  private final LongAdder submitted = new LongAdder();
  private final LongAdder refused = new LongAdder();

  /** A task that {@code execute} admitted. */
  void submitted() {
    submitted.increment();
  }

  /** A task admitted by {@code execute} that the pool refused. */
  void refused() {
    refused.increment();
  }

  /**
   * Tasks submitted and not started. A pool met with tasks already queued (an attach) starts them
   * uncounted: the difference is then low, never below zero.
   */
  public synchronized int waiting() {
    // Read before the starts: a task submitted and started meanwhile is then only in those, which
    // makes the count low for a moment, never high. (Ended threads' cells, in the base, ran every
    // task they started to its end.)
    long admitted = submitted.sum() - refused.sum();
    long started = endedBase;
    for (Cell cell : cells) {
      started += (long) Cell.STARTED.getOpaque(cell);
    }
    long waiting = admitted - started;
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, waiting));
  }

  /** A new cell for the calling worker thread. */
  synchronized Cell newCell(Object executor) {
    Cell cell = new Cell(Thread.currentThread(), executor);
    cells.add(cell);
    return cell;
  }

  /** Tasks running now. Per cell, ended is read before started: never less than zero. */
  public synchronized int active() {
    long running = 0;
    for (Cell cell : cells) {
      long ended = (long) Cell.ENDED.getOpaque(cell);
      running += (long) Cell.STARTED.getOpaque(cell) - ended;
    }
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, running));
  }

  /** Tasks that ran to their end (or threw) since the agent saw the pool. */
  public synchronized long completed() {
    long total = endedBase;
    for (Iterator<Cell> it = cells.iterator(); it.hasNext(); ) {
      Cell cell = it.next();
      // A thread seen ended has made its last write (Thread.isAlive synchronizes with its end).
      boolean gone = !cell.thread.isAlive();
      long ended = (long) Cell.ENDED.getOpaque(cell);
      total += ended;
      if (gone) {
        endedBase += ended;
        it.remove();
      }
    }
    return total;
  }
}
