package dev.spillway.agent.timing;

import dev.spillway.bootstrap.AgentThreads;
import java.util.concurrent.locks.LockSupport;

/**
 * A clock one field read away: an agent thread copies {@link System#nanoTime()} into a volatile
 * field every millisecond, so that a hot path that needs only millisecond resolution (is this
 * acquire slow? how long did it wait, for a controlled-delay rule?) pays a field read instead of
 * a clock read (26-40 ns on the virtual machines measured).
 *
 * <p>Its error is the tick plus however late the thread is scheduled: on a saturated machine a
 * wait can read shorter by that much. The thread starts with the first caller that needs it
 * ({@link #start}), so that a JVM that never uses a connection pool has no thread waking a
 * thousand times a second, and ends with {@link #stop}.
 */
public final class CoarseClock implements Runnable {

  private static final long TICK_NANOS = 1_000_000;

  private volatile long now = System.nanoTime();
  private volatile boolean running;
  private boolean stopped;
  private Thread thread;

  /** {@link System#nanoTime()} as of the last tick, at most about a millisecond ago. */
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
      LockSupport.parkNanos(TICK_NANOS);
    }
  }
}
