package dev.spillway.agent.executor.forkjoin;

import dev.spillway.agent.executor.ExecutorView;
import dev.spillway.agent.executor.RejectionPolicy;
import dev.spillway.agent.util.QueueCapacity;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ForkJoinPool;

/**
 * Reads a {@code ForkJoinPool} from its own getters, at collection only: {@code thread.limit} is
 * its parallelism (the pool adds compensation threads past it while workers block, so threads may
 * exceed it), {@code queue.size} its queued submissions plus the tasks in its workers' queues
 * ({@code getQueuedTaskCount} walks every queue: O(workers)). It counts no completed tasks and has
 * no core size, and nothing of it is woven: no shedding.
 */
final class ForkJoinView extends ExecutorView {

  static final ForkJoinView INSTANCE = new ForkJoinView();

  private ForkJoinView() {}

  private static ForkJoinPool pool(Object executor) {
    return (ForkJoinPool) executor;
  }

  @Override public int poolSize(Object e) { return pool(e).getPoolSize(); }
  @Override public int activeCount(Object e) { return pool(e).getActiveThreadCount(); }
  @Override public int corePoolSize(Object e) { return -1; }
  @Override public int maximumPoolSize(Object e) { return pool(e).getParallelism(); }
  @Override public BlockingQueue<?> queue(Object e) { return null; }
  @Override public long completedTaskCount(Object e) { return -1; }
  @Override public boolean isShutdown(Object e) { return pool(e).isShutdown(); }
  @Override public boolean isTerminated(Object e) { return pool(e).isTerminated(); }
  @Override public Object threadFactory(Object e) { return pool(e).getFactory(); }
  @Override public int runningThreads(Object e) { return pool(e).getRunningThreadCount(); }
  @Override public long queuedSubmissions(Object e) { return pool(e).getQueuedSubmissionCount(); }
  @Override public long stolenTasks(Object e) { return pool(e).getStealCount(); }

  @Override
  public int queueSize(Object e) {
    return (int) Math.min(Integer.MAX_VALUE, pool(e).getQueuedSubmissionCount() + pool(e).getQueuedTaskCount());
  }

  @Override
  public long queueCapacity(Object e, long lastKnown) {
    return QueueCapacity.UNBOUNDED;
  }

  @Override
  public boolean sheddable() {
    return false;
  }

  @Override
  public RejectionPolicy policy(Object e) {
    return RejectionPolicy.CUSTOM;
  }

  @Override
  public void handOver(Object e, Runnable task) {
    throw new UnsupportedOperationException("a ForkJoinPool is never shed");
  }
}
