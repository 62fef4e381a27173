package dev.spillway.agent.timing;

import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Submit times of the sampled items of one executor or queue that have not left it yet.
 *
 * <p>Tasks are never wrapped (that breaks priority queues, {@code remove} and handlers), so their
 * submit time is kept beside them, keyed by the very object that enters the queue. A handful of
 * slots holds the samples in flight; a worker scans them for the task it just took, which costs
 * nothing while no sample is pending (one volatile read). Slots hold tasks weakly: a task removed
 * from the queue and dropped by the application frees its slot. When all slots are taken a task
 * is simply not sampled. A sample may carry a payload (a traced submission's parent span).
 */
public final class PendingTasks {

  public static final int CAPACITY = 32;
  /** A sample older than this is dropped: its task was removed from the queue and kept alive. */
  public static final long MAX_AGE_NANOS = 10L * 60 * 1_000_000_000L;

  private final int capacity;
  private final AtomicReferenceArray<Sample> slots;
  private final AtomicInteger count = new AtomicInteger();

  public PendingTasks() {
    this(CAPACITY);
  }

  public PendingTasks(int capacity) {
    this.capacity = capacity;
    this.slots = new AtomicReferenceArray<>(capacity);
  }

  /** Remembers that {@code task} was submitted at {@code nanoTime}; false if no slot is free. */
  public boolean add(Object task, long nanoTime) {
    return add(task, nanoTime, null);
  }

  /** The same, with a payload that {@link #takeSample} hands back. */
  public boolean add(Object task, long nanoTime, Object payload) {
    if (count.get() >= capacity) {
      return false;
    }
    Sample sample = new Sample(task, nanoTime, payload);
    for (int i = 0; i < capacity; i++) {
      if (slots.get(i) == null && slots.compareAndSet(i, null, sample)) {
        count.incrementAndGet();
        return true;
      }
    }
    return false;
  }

  /**
   * The submit time of {@code task} if it was sampled, forgetting it; otherwise -1. The same
   * object may be queued several times: a worker takes its oldest sample, as queues are FIFO.
   */
  public long take(Object task) {
    Sample sample = remove(task, true);
    return sample == null ? -1 : sample.submittedAt;
  }

  /** The sample of {@code task} (the oldest), forgotten; null if it was not sampled. */
  public Sample takeSample(Object task) {
    return count.get() == 0 ? null : remove(task, true);
  }

  /**
   * Forgets the sample of a submission that was just rejected: the newest one of {@code task},
   * since it was added moments ago by the very call being rejected.
   */
  public void discard(Object task) {
    remove(task, false);
  }

  private Sample remove(Object task, boolean oldest) {
    while (count.get() > 0) {
      int best = -1;
      Sample chosen = null;
      for (int i = 0; i < capacity; i++) {
        Sample sample = slots.get(i);
        if (sample == null) {
          continue;
        }
        Object held = sample.get();
        if (held == task) {
          if (chosen == null || (oldest ? sample.submittedAt < chosen.submittedAt
              : sample.submittedAt > chosen.submittedAt)) {
            chosen = sample;
            best = i;
          }
        } else if (held == null && slots.compareAndSet(i, sample, null)) {
          count.decrementAndGet();
        }
      }
      if (chosen == null) {
        return null;
      }
      if (slots.compareAndSet(best, chosen, null)) {
        count.decrementAndGet();
        return chosen;
      }
      // Another worker took that sample first: look again.
    }
    return null;
  }

  /** Frees slots of collected tasks and of samples older than {@link #MAX_AGE_NANOS}. */
  public void sweep(long now) {
    for (int i = 0; i < capacity; i++) {
      Sample sample = slots.get(i);
      if (sample != null && (sample.get() == null || now - sample.submittedAt > MAX_AGE_NANOS)
          && slots.compareAndSet(i, sample, null)) {
        count.decrementAndGet();
      }
    }
  }

  public int size() {
    return count.get();
  }

  /** One sampled task, held weakly: when it was submitted, and what else was kept with it. */
  public static final class Sample extends WeakReference<Object> {
    public final long submittedAt;
    public final Object payload;

    Sample(Object task, long submittedAt, Object payload) {
      super(task);
      this.submittedAt = submittedAt;
      this.payload = payload;
    }
  }
}
