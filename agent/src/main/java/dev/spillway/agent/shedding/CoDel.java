package dev.spillway.agent.shedding;

/**
 * Controlled delay for one target under one {@code wait} rule.
 *
 * <p>Two states. <b>Normal</b>: everything is admitted, and a burst may queue. If the tasks seen
 * leaving the queue have waited at least {@code target} for a whole {@code interval}, the queue is
 * a standing queue, not a burst, and the state becomes <b>shedding</b>. While shedding, a new task
 * is admitted only if the queue holds less than what the target drains within {@code target}
 * (measured throughput × target, at least one), so that what is admitted starts within about
 * {@code target}, and the rest is refused at once. Shedding ends when nothing had to be refused
 * for a whole {@code interval} while the queue moved or was empty: demand fell back within
 * capacity. (A queue where work waits and nothing leaves keeps its shedding state however quiet
 * demand gets.) (Ending it as soon as one task
 * waits less than the target, as CoDel does for packets, would make it oscillate: under shedding,
 * admitted tasks wait little by construction.)
 *
 * <p>Observations come from two sides: workers report the wait of the tasks they take
 * ({@link #onDequeue}), and a ticker ({@link #tick}) lets time pass when nothing leaves the queue
 * (all workers stuck on a slow dependency: the oldest task has then waited at least as long as no
 * task left), measures throughput, and ends shedding. The task path reads two volatile fields and,
 * when it refuses, bumps a counter. Times are {@link System#nanoTime()} values passed in, so tests
 * drive the clock.
 */
public final class CoDel {

  private static final long NEVER = Long.MIN_VALUE;
  /** Throughput is smoothed over about this long. */
  private static final long RATE_WINDOW_NANOS = 100_000_000L;

  private final long target;
  private final long interval;

  private volatile long aboveSince = NEVER;
  private volatile boolean shedding;
  /** While shedding: admit while the queue is shorter than this. */
  private volatile int admitBelow = 1;
  /** Refusals while shedding; plain writes from the task path, only its changes are read. */
  private long refusals;

  // Ticker state (one thread).
  private long lastDequeues = -1;
  private long lastProgressAt;
  private long lastTickAt = NEVER;
  private double dequeuesPerNano;
  private long lastRefusals;
  private long lastRefusalAt;

  public CoDel(long targetNanos, long intervalNanos) {
    this.target = targetNanos;
    this.interval = intervalNanos;
  }

  /** A task left the queue after waiting {@code sojourn}, at {@code now}. */
  public void onDequeue(long sojourn, long now) {
    if (shedding) {
      return;
    }
    if (sojourn < target) {
      aboveSince = NEVER;
      return;
    }
    long since = aboveSince;
    if (since == NEVER) {
      aboveSince = now;
    } else if (now - since >= interval) {
      startShedding(now);
    }
  }

  /**
   * Lets time pass: {@code queueSize} items wait now, and {@code dequeues} counts tasks taken so
   * far (any counter; only its changes matter).
   */
  public void tick(long now, int queueSize, long dequeues) {
    if (lastTickAt != NEVER && now > lastTickAt) {
      double rate = (double) Math.max(0, dequeues - lastDequeues) / (now - lastTickAt);
      double weight = Math.min(1.0, (double) (now - lastTickAt) / RATE_WINDOW_NANOS);
      dequeuesPerNano += (rate - dequeuesPerNano) * weight;
      admitBelow = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.round(dequeuesPerNano * target)));
    }
    lastTickAt = now;
    if (dequeues != lastDequeues) {
      lastDequeues = dequeues;
      lastProgressAt = now;
    }
    if (shedding) {
      long refused = refusals;
      if (refused != lastRefusals) {
        lastRefusals = refused;
        lastRefusalAt = now;
      } else if (now - lastRefusalAt >= interval && (queueSize == 0 || now - lastProgressAt < target)) {
        // No refusal for an interval, and the queue moves (or is empty). While work waits and
        // nothing leaves (a stuck dependency, every connection held), quiet is no sign of
        // capacity: ending here would admit the next request into the standing queue.
        shedding = false;
        aboveSince = NEVER;
      }
      return;
    }
    if (queueSize == 0) {
      // Nothing waits: no standing queue.
      aboveSince = NEVER;
      return;
    }
    if (now - lastProgressAt >= target) {
      // Work waits and nothing has left for a whole target: the oldest task has waited that long.
      onDequeue(now - lastProgressAt, now);
    }
    long since = aboveSince;
    if (!shedding && since != NEVER && now - since >= interval) {
      startShedding(now);
    }
  }

  /** Whether to refuse a new task, given the queue's current size; counts the refusal. */
  public boolean shouldShed(int queueSize) {
    if (shedding && queueSize >= admitBelow) {
      refusals++;
      return true;
    }
    return false;
  }

  /** Whether the target is in its shedding state now. */
  public boolean isShedding() {
    return shedding;
  }

  int admitBelow() {
    return admitBelow;
  }

  public long targetNanos() {
    return target;
  }

  private void startShedding(long now) {
    lastRefusalAt = now;
    lastRefusals = refusals;
    shedding = true;
  }
}
