package dev.spillway.bench;

import java.util.concurrent.Executor;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * {@link ExecutorBenchmark.Chain} through Jetty 12's {@code QueuedThreadPool} (one thread, no
 * reserved threads, its default unbounded job queue): per step one {@code execute} into the job
 * queue, one take by the worker, one run, and what the agent adds (its hook on {@code execute}).
 */
public class JettyThreadPoolBenchmark extends ExecutorBenchmark.Chain {

  @Override
  protected Executor newPool() throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool(1, 1, 60_000, 0, null, null);
    pool.setName("bench-worker");
    pool.start();
    return pool;
  }

  @Override
  protected void stopPool(Executor pool) throws Exception {
    ((QueuedThreadPool) pool).stop();
  }
}
