package dev.spillway.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of one {@code offer} + {@code poll} pair on a blocking queue, on one thread: the
 * operations Spillway touches most often in any JVM. {@link BenchmarkMain} runs it without the
 * agent, with it (default tracking), and with every detail on for this queue.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class QueueBenchmark {

  @Param({"ArrayBlockingQueue", "LinkedBlockingQueue"})
  public String type;

  private BlockingQueue<Integer> queue;
  private final Integer item = 42;

  @Setup
  public void create() {
    BenchAgent.awaitStarted();
    queue = "ArrayBlockingQueue".equals(type) ? new ArrayBlockingQueue<>(1024) : new LinkedBlockingQueue<>(1024);
    BenchAgent.attachIfRequested();
  }

  @Benchmark
  public Integer offerPoll() {
    queue.offer(item);
    return queue.poll();
  }
}
