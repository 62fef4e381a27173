package dev.spillway.bench;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
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
 * The cost of a task through a {@code ThreadPoolExecutor}, measured on one thread so that the
 * numbers do not depend on when a worker parks or which core the scheduler picked:
 *
 * <ul>
 *   <li>{@link Chain#executeAndRun}: the whole life of a task. A chain of tasks runs on the pool's
 *       one worker, each submitting the next before it returns: per step, one {@code execute}
 *       (into the queue: the worker is busy), one {@code getTask} that finds it there, one run,
 *       and whatever the agent does around each;
 *   <li>{@link Submit#execute}: {@code execute} alone, into the queue of a pool whose only worker
 *       is busy (the queue is cleared after each batch): what a submitting thread pays. The
 *       benchmark's class path has the OpenTelemetry API, so the agent reads the current span
 *       (there is none) on every submit;
 *   <li>{@link Submit#executeTraced}: the same inside a sampled span of the application's own SDK:
 *       the agent reads the span and keeps the submission (up to 16 in flight; the worker never
 *       takes these, so most submits find the slots full);
 *   <li>{@link Reject#executeRejected}: {@code execute} on a saturated pool (its one worker busy, a
 *       {@code SynchronousQueue} nobody takes from) whose {@code DiscardPolicy} drops the task: the
 *       rejection path, which a saturated pool with a caller-runs or discard policy takes for most
 *       of its tasks.
 * </ul>
 *
 * {@link BenchmarkMain} runs them without the agent and with it, in the same run.
 */
public class ExecutorBenchmark {

  static final int BATCH = 1000;

  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Submit {
    private final BusyPool busy = new BusyPool();
    private ThreadPoolExecutor pool;
    private final Runnable task = () -> { };
    private final SdkTracerProvider tracing = SdkTracerProvider.builder().build();
    private final Span span = tracing.get("bench").spanBuilder("request").startSpan();

    @Setup(Level.Trial)
    public void start() {
      pool = busy.start(new LinkedBlockingQueue<>(), "bench-worker-1", new ThreadPoolExecutor.AbortPolicy());
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      span.end();
      tracing.close();
      busy.stop();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int execute() {
      for (int i = 0; i < BATCH; i++) {
        pool.execute(task);
      }
      int queued = pool.getQueue().size();
      pool.getQueue().clear();
      return queued;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int executeTraced() {
      try (io.opentelemetry.context.Scope ignored = span.makeCurrent()) {
        return execute();
      }
    }
  }

  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Chain {
    private Executor pool;
    /** Steps left in the current chain; only the worker touches it once the chain started. */
    private int remaining;
    private volatile long chains;
    private final Runnable step = new Runnable() {
      @Override
      public void run() {
        if (--remaining > 0) {
          pool.execute(this);
        } else {
          chains++;
        }
      }
    };

    @Setup(Level.Trial)
    public void start() throws Exception {
      BenchAgent.awaitStarted();
      pool = newPool();
      BenchAgent.attachIfRequested();
    }

    /** A pool of one started worker over an unbounded queue. */
    protected Executor newPool() throws Exception {
      ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
          runnable -> new Thread(runnable, "bench-worker-1"));
      pool.prestartAllCoreThreads();
      return pool;
    }

    @TearDown(Level.Trial)
    public void stop() throws Exception {
      stopPool(pool);
    }

    protected void stopPool(Executor pool) throws Exception {
      ((ExecutorService) pool).shutdown();
      ((ExecutorService) pool).awaitTermination(10, TimeUnit.SECONDS);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long executeAndRun() {
      long target = chains + 1;
      remaining = BATCH;
      pool.execute(step);
      while (chains < target) {
        Thread.onSpinWait();
      }
      return target;
    }
  }

  @State(Scope.Benchmark)
  @BenchmarkMode(Mode.AverageTime)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public static class Reject {
    private final BusyPool busy = new BusyPool();
    private ThreadPoolExecutor pool;
    private final Runnable task = () -> { };

    @Setup(Level.Trial)
    public void start() {
      pool = busy.start(new SynchronousQueue<>(), "bench-rejecting-1", new ThreadPoolExecutor.DiscardPolicy());
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
      busy.stop();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long executeRejected() {
      for (int i = 0; i < BATCH; i++) {
        pool.execute(task);
      }
      return pool.getTaskCount();
    }
  }

  /** A pool of one worker, kept busy until {@link #stop}: every task goes to its queue (or is rejected). */
  static final class BusyPool {
    private final CountDownLatch release = new CountDownLatch(1);
    private ThreadPoolExecutor pool;

    ThreadPoolExecutor start(BlockingQueue<Runnable> queue, String thread, RejectedExecutionHandler handler) {
      BenchAgent.awaitStarted();
      pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, queue, runnable -> new Thread(runnable, thread),
          handler);
      pool.execute(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
      BenchAgent.attachIfRequested();
      return pool;
    }

    void stop() throws InterruptedException {
      release.countDown();
      pool.shutdown();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
