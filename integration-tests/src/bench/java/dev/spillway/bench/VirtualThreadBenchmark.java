package dev.spillway.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The life of a virtual thread (JDK 21+: run the benchmarks with a JDK 25 {@code java}): a batch
 * of {@value #BATCH} started, each running an empty task, then all joined (most have ended by
 * then, so a join rarely parks the benchmark thread); per thread. With the agent, its counter
 * increments in {@code java.lang.VirtualThread} (and, once one ran, its JFR stream of pins, idle
 * here: nothing pins). Compiled for 17, so {@code Thread.startVirtualThread} is found at run time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VirtualThreadBenchmark {

  static final int BATCH = 1000;

  private final Runnable task = () -> { };
  private final Thread[] threads = new Thread[BATCH];
  private MethodHandle start;

  @Setup
  public void setUp() throws Exception {
    BenchAgent.awaitStarted();
    start = MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
        MethodType.methodType(Thread.class, Runnable.class));
    BenchAgent.attachIfRequested();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public Thread startRunAndJoin() throws Throwable {
    for (int i = 0; i < BATCH; i++) {
      threads[i] = (Thread) start.invokeExact(task);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    return threads[BATCH - 1];
  }
}
