package dev.spillway.bench;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of one task through a {@code ThreadPoolExecutor}: {@code execute} on the benchmark
 * thread, queue, and run on the pool's worker. Each invocation submits a batch and waits until
 * the worker has run all of it, so the time per operation is the time per task end to end.
 * {@link BenchmarkMain} runs it without the agent and with it, in the same run.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExecutorBenchmark {

  static final int BATCH = 1000;

  private ThreadPoolExecutor pool;
  private final AtomicLong ran = new AtomicLong();
  private final Runnable task = ran::incrementAndGet;
  private long expected;

  @Setup(Level.Trial)
  public void start() {
    pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        runnable -> new Thread(runnable, "bench-worker-1"));
    pool.prestartAllCoreThreads();
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long executeAndRun() {
    for (int i = 0; i < BATCH; i++) {
      pool.execute(task);
    }
    expected += BATCH;
    while (ran.get() < expected) {
      Thread.onSpinWait();
    }
    return expected;
  }
}
