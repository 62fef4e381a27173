package dev.spillway.bench;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jboss.threads.EnhancedQueueExecutor;

/**
 * {@link ExecutorBenchmark.Chain} through JBoss Threads' {@code EnhancedQueueExecutor} (3.7, one
 * prestarted thread, its default unlimited queue, statistics off as by default): per step one
 * {@code execute} (which wraps the task in the pool's own {@code Task}), one take by the worker,
 * one run, and what the agent adds (its hook on {@code execute} and the two around the task's run).
 */
public class EnhancedQueueExecutorBenchmark extends ExecutorBenchmark.Chain {

  @Override
  protected Executor newPool() {
    EnhancedQueueExecutor pool = new EnhancedQueueExecutor.Builder()
        .setCorePoolSize(1)
        .setMaximumPoolSize(1)
        .setThreadFactory(runnable -> new Thread(runnable, "bench-worker-1"))
        .setRegisterMBean(false)
        .build();
    pool.prestartAllCoreThreads();
    return pool;
  }

  @Override
  protected void stopPool(Executor pool) throws Exception {
    ((EnhancedQueueExecutor) pool).shutdown();
    ((EnhancedQueueExecutor) pool).awaitTermination(10, TimeUnit.SECONDS);
  }
}
