package dev.spillway.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The life of one virtual thread (JDK 21+: run the benchmarks with a JDK 25 {@code java}): start,
 * run an empty task, end, joined by the benchmark thread; with the agent, its two counter
 * increments in {@code java.lang.VirtualThread} (and, once one ran, its JFR stream of pins, idle
 * here: nothing pins). Compiled for 17, so {@code Thread.startVirtualThread} is found at run time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class VirtualThreadBenchmark {

  private final Runnable task = () -> { };
  private MethodHandle start;

  @Setup
  public void setUp() throws Exception {
    BenchAgent.awaitStarted();
    start = MethodHandles.publicLookup().findStatic(Thread.class, "startVirtualThread",
        MethodType.methodType(Thread.class, Runnable.class));
    BenchAgent.attachIfRequested();
  }

  @Benchmark
  public Thread startRunAndJoin() throws Throwable {
    Thread thread = (Thread) start.invokeExact(task);
    thread.join();
    return thread;
  }
}
