package dev.spillway.bench;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.tomcat.util.threads.ThreadPoolExecutor;

/**
 * {@link ExecutorBenchmark.Chain} through Tomcat's own {@code ThreadPoolExecutor} (tomcat-embed-core
 * 10.1): per step one {@code execute}, one {@code getTask}, one run, and what the agent adds. The
 * queue is a plain {@code LinkedBlockingQueue}: the agent's cost does not depend on Tomcat's
 * {@code TaskQueue}.
 */
public class TomcatExecutorBenchmark extends ExecutorBenchmark.Chain {

  @Override
  protected Executor newPool() {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        runnable -> new Thread(runnable, "bench-worker-1"));
    pool.prestartAllCoreThreads();
    return pool;
  }
}
