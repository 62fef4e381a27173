package dev.spillway.agent.timing;

import dev.spillway.bootstrap.AgentThreads;
import java.util.concurrent.locks.LockSupport;

/**
 * A clock one field read away: an agent thread copies {@link System#nanoTime()} into a volatile
 * field every few milliseconds, so that a hot path that needs only millisecond resolution (is this
 * acquire slow? how long did it wait, for a controlled-delay rule?) pays a field read instead of
 * a clock read (26-40 ns on the virtual machines measured).
 *
 * <p>It ticks every {@link #COARSE_TICK_NANOS} (a slow acquire is 100 ms by default), and every
 * {@link #FINE_TICK_NANOS} once {@link #fine} was asked for (a controlled-delay rule, whose
 * targets are a few milliseconds): waking costs CPU (about 1.6% of a core at 1 ms on the loaded
 * 2-core machine measured). Its error is the tick plus however late the thread is scheduled: on
 * a saturated machine a wait can read shorter by that much. The thread starts with the first
 * caller that needs it ({@link #start}), so that a JVM that never uses a connection pool has no
 * such thread, and ends with {@link #stop}.
 */
public final class CoarseClock implements Runnable {

  static final long COARSE_TICK_NANOS = 5_000_000;
  static final long FINE_TICK_NANOS = 1_000_000;

  private volatile long tickNanos = COARSE_TICK_NANOS;

  private volatile long now = System.nanoTime();
  private volatile boolean running;
  private boolean stopped;
  private Thread thread;

  /** {@link System#nanoTime()} as of the last tick, at most about a tick ago. */
  public long now() {
    return now;
  }

  /** Reads the clock now: what the thread does every tick. */
  public void tick() {
    now = System.nanoTime();
  }

  /** Starts ticking, if not yet and not stopped. */
  public synchronized void start() {
    if (thread != null || stopped) {
      return;
    }
    now = System.nanoTime();
    running = true;
    thread = AgentThreads.newThread(this, "spillway-clock");
    thread.start();
  }

  /** Ticks every millisecond from now on: a rule needs waits to that resolution. */
  public void fine() {
    tickNanos = FINE_TICK_NANOS;
  }

  /** Stops ticking for good. */
  public synchronized void stop() {
    stopped = true;
    running = false;
    if (thread != null) {
      LockSupport.unpark(thread);
    }
  }

  @Override
  public void run() {
    while (running) {
      tick();
      LockSupport.parkNanos(tickNanos);
    }
  }
}
