package dev.spillway.agent.executor.reactor;

import dev.spillway.agent.executor.OwnerLimits;
import dev.spillway.agent.pool.Reflect.FieldReader;
import java.lang.ref.WeakReference;

/**
 * A {@code BoundedElasticScheduler}'s own limits: at most {@code maxThreads} workers, each
 * queueing at most {@code maxTaskQueuedPerThread} tasks ({@code Integer.MAX_VALUE}: unbounded).
 * Held weakly.
 */
final class SchedulerLimits implements OwnerLimits {

  private static final FieldReader MAX_THREADS = new FieldReader("maxThreads");
  private static final FieldReader MAX_QUEUED = new FieldReader("maxTaskQueuedPerThread");

  private final WeakReference<Object> scheduler;

  SchedulerLimits(Object scheduler) {
    this.scheduler = new WeakReference<>(scheduler);
  }

  @Override
  public long threadLimit() {
    return read(MAX_THREADS);
  }

  @Override
  public long queueCapacity() {
    long threads = read(MAX_THREADS);
    long perThread = read(MAX_QUEUED);
    if (threads == UNKNOWN || perThread == UNKNOWN) {
      return UNKNOWN;
    }
    return perThread == Integer.MAX_VALUE ? -1 : threads * perThread;
  }

  private long read(FieldReader field) {
    Object owner = scheduler.get();
    if (owner == null) {
      return UNKNOWN;
    }
    try {
      return (Integer) field.get(owner);
    } catch (Exception | LinkageError e) {
      return UNKNOWN;
    }
  }
}
