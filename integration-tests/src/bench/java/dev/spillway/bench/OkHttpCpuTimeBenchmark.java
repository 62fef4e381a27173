package dev.spillway.bench;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link OkHttpDispatcherBenchmark}'s enqueued call timed in the calling thread's CPU time
 * ({@code ThreadMXBean}), not wall time: on a shared machine a descheduled thread adds nothing,
 * so differences of a few tens of nanoseconds on a 1 µs path can be read. Each run is a fresh JVM
 * (no agent, the agent, and {@code -Dbench.other.jar} if given, alternating): 5 M calls of warm-up,
 * then ten batches of 200 000; a run reports its median batch, the table the median of the runs.
 *
 * <pre>java -cp ... dev.spillway.bench.OkHttpCpuTimeBenchmark [runs]</pre>
 */
public final class OkHttpCpuTimeBenchmark {

  private static final int BATCH = 200_000;
  private static final int WARM_UP_BATCHES = 25;
  private static final int BATCHES = 10;

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("child")) {
      child();
      return;
    }
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    Map<String, String> agents = new LinkedHashMap<>();
    agents.put("no agent", null);
    agents.put("agent", new File(System.getProperty("spillway.agent.jar")).getAbsolutePath());
    String other = System.getProperty("bench.other.jar", "");
    if (!other.isBlank()) {
      agents.put("other agent", new File(other).getAbsolutePath());
    }
    Map<String, List<Double>> results = new LinkedHashMap<>();
    for (int i = 0; i < runs; i++) {
      for (Map.Entry<String, String> agent : agents.entrySet()) {
        results.computeIfAbsent(agent.getKey(), k -> new ArrayList<>()).add(run(agent.getValue()));
      }
    }
    double base = median(results.get("no agent"));
    System.out.println();
    System.out.println("OkHttp enqueued call, thread CPU ns per call, " + runs + " interleaved JVMs each:");
    System.out.println("| configuration | median (min-max) | added |");
    System.out.println("|---|---|---|");
    for (Map.Entry<String, List<Double>> result : results.entrySet()) {
      List<Double> values = result.getValue();
      double median = median(values);
      System.out.println(String.format(Locale.ROOT, "| %s | %.1f (%.1f-%.1f) | %+.1f |", result.getKey(), median,
          values.stream().mapToDouble(Double::doubleValue).min().orElse(0),
          values.stream().mapToDouble(Double::doubleValue).max().orElse(0), median - base));
    }
  }

  private static double run(String agentJar) throws Exception {
    List<String> options = agentJar == null ? List.of() : List.of("-javaagent:" + agentJar);
    double[] result = {Double.NaN};
    ChildJvm.run(ChildJvm.command(options, OkHttpCpuTimeBenchmark.class), "cpu-ns-per-call ",
        value -> result[0] = Double.parseDouble(value));
    if (Double.isNaN(result[0])) {
      throw new IllegalStateException("benchmark JVM gave no result");
    }
    return result[0];
  }

  /** The measured program: prints its median batch's CPU nanoseconds per call. */
  private static void child() {
    OkHttpDispatcherBenchmark benchmark = new OkHttpDispatcherBenchmark();
    benchmark.start();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] perCall = new double[BATCHES];
    long sink = 0;
    for (int b = 0; b < WARM_UP_BATCHES + BATCHES; b++) {
      long before = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < BATCH; i++) {
        sink += benchmark.enqueueAndRun();
      }
      long after = threads.getCurrentThreadCpuTime();
      if (b >= WARM_UP_BATCHES) {
        perCall[b - WARM_UP_BATCHES] = (after - before) / (double) BATCH;
      }
    }
    Arrays.sort(perCall);
    System.out.println("running calls left " + sink);
    System.out.println("cpu-ns-per-call " + perCall[BATCHES / 2]);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
