package dev.spillway.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks without the agent and with it, in one run, and prints a table of the
 * median time per operation over all measurement iterations, the difference and the throughput
 * ratio against the baseline; then the whole-process {@link StartupBenchmark},
 * {@link OverloadBenchmark} and {@link WorkerBoundBenchmark}.
 *
 * <pre>mvn -B -Pbench verify -pl integration-tests -am [-Dbench.include=Executor] [-Dbench.quick=true]
 *     [-Dbench.configurations='no agent;agent'] [-Dbench.rounds=3]
 *     [-Dbench.other.jar=path/to/another/spillway-agent.jar]   (adds the configuration "other agent")
 *     [-Dbench.startup.runs=20] [-Dbench.overload.seconds=20]
 *     [-Dbench.type=dbcp2,hikari]   (only these values of a benchmark's type parameter)
 *     [-Dbench.workerbound.runs=5] [-Dbench.cputime.runs=0]   (0 or none skips a part)</pre>
 */
public final class BenchmarkMain {

  public static void main(String[] args) throws Exception {
    String include = System.getProperty("bench.include", ".*Benchmark");
    if (!include.isEmpty() && !"none".equals(include)) {
      runJmh(include, Boolean.getBoolean("bench.quick"));
    }
    int startupRuns = Integer.getInteger("bench.startup.runs", 20);
    if (startupRuns > 0) {
      StartupBenchmark.main(new String[] {Integer.toString(startupRuns)});
    }
    int overloadSeconds = Integer.getInteger("bench.overload.seconds", 20);
    if (overloadSeconds > 0) {
      OverloadBenchmark.main(new String[] {Integer.toString(overloadSeconds)});
    }
    int cpuTimeRuns = Integer.getInteger("bench.cputime.runs", 0);
    if (cpuTimeRuns > 0) {
      OkHttpCpuTimeBenchmark.main(new String[] {Integer.toString(cpuTimeRuns)});
    }
    int workerBoundRuns = Integer.getInteger("bench.workerbound.runs", 5);
    if (workerBoundRuns > 0) {
      WorkerBoundBenchmark.main(new String[] {Integer.toString(workerBoundRuns)});
    }
  }

  private static void runJmh(String include, boolean quick) throws Exception {
    String agentJar = new File(System.getProperty("spillway.agent.jar")).getAbsolutePath();

    Path rulesNotMatching = Files.createTempFile("rules-not-matching", ".yaml");
    Files.writeString(rulesNotMatching, "rules:\n  - name: elsewhere\n    target: executor\n"
        + "    match: \"no-such-executor*\"\n    when: { queue.size: 0 }\n");
    Path rulesNotFiring = Files.createTempFile("rules-not-firing", ".yaml");
    Files.writeString(rulesNotFiring, "rules:\n  - name: never-fires\n    target: executor\n"
        + "    match: \"bench-worker\"\n    when:\n      queue.size: \">= 100000000\"\n"
        + "      wait: { target: 10s, interval: 100s }\n"
        + "  - name: never-fires-on-pool\n    target: pool\n    match: \"bench-db\"\n    when:\n"
        + "      pending: \">= 100000000\"\n      wait: { target: 10s, interval: 100s }\n");

    Map<String, String[]> configurations = new LinkedHashMap<>();
    configurations.put("no agent", new String[0]);
    configurations.put("agent", agentArgs(agentJar, ""));
    configurations.put("agent, every task timed", agentArgs(agentJar, "=timing=all"));
    configurations.put("agent, queue details on", agentArgs(agentJar, "=queue.details=*"));
    configurations.put("agent attached after start", attachArgs(agentJar));
    configurations.put("agent, rules not matching", agentArgs(agentJar, "=rules=" + rulesNotMatching));
    configurations.put("agent, rule matching, not firing", agentArgs(agentJar, "=rules=" + rulesNotFiring));
    // Another build of the agent (say, main's) beside this one, in the same run: a before and after.
    String otherJar = System.getProperty("bench.other.jar", "");
    if (!otherJar.isBlank()) {
      configurations.put("other agent", agentArgs(new File(otherJar).getAbsolutePath(), ""));
    }
    // Virtual threads (off by default): counted in java.lang.VirtualThread, then with the JFR
    // stream of pins too.
    configurations.put("agent, virtual threads counted",
        agentArgs(agentJar, "=vthread.enabled=true,vthread.pins=false"));
    configurations.put("agent, virtual threads and pins", agentArgs(agentJar, "=vthread.enabled=true"));
    String only = System.getProperty("bench.configurations", "");
    if (!only.isBlank()) {
      List<String> kept = List.of(only.split("\\s*;\\s*"));
      configurations.keySet().retainAll(kept);
    }

    // Rounds alternate the configurations, so that a burst of load on a shared machine falls on
    // all of them; the median of all their measurement iterations is what the table compares.
    int rounds = Integer.getInteger("bench.rounds", 1);
    Map<String, Map<String, List<Double>>> iterations = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (Map.Entry<String, String[]> configuration : configurations.entrySet()) {
        ChainedOptionsBuilder options = new OptionsBuilder()
            .include(include)
            .jvmArgsAppend(configuration.getValue())
            .forks(quick || rounds > 1 ? 1 : 2)
            .warmupIterations(quick ? 2 : 5)
            .warmupTime(TimeValue.seconds(1))
            .measurementIterations(quick ? 3 : 5)
            .measurementTime(TimeValue.seconds(quick ? 1 : 2));
        String types = System.getProperty("bench.type", "");
        if (!types.isBlank()) {
          options.param("type", types.split("\\s*,\\s*"));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        for (RunResult result : results) {
          String name = result.getParams().getBenchmark().replaceFirst("^.*\\.([^.]+\\.[^.]+)$", "$1")
              + (result.getParams().getParamsKeys().isEmpty() ? "" : " " + result.getParams().getParam("type"));
          List<Double> scores = iterations.computeIfAbsent(name, k -> new LinkedHashMap<>())
              .computeIfAbsent(configuration.getKey(), k -> new ArrayList<>());
          for (BenchmarkResult fork : result.getBenchmarkResults()) {
            for (IterationResult iteration : fork.getIterationResults()) {
              scores.add(iteration.getPrimaryResult().getScore());
            }
          }
        }
      }
    }
    System.out.println();
    System.out.println("| benchmark | configuration | median ns/op (min-max, n) | added ns/op | throughput vs no agent |");
    System.out.println("|---|---|---|---|---|");
    for (Map.Entry<String, Map<String, List<Double>>> benchmark : iterations.entrySet()) {
      List<Double> none = benchmark.getValue().get("no agent");
      double baseline = none == null ? Double.NaN : median(none);
      for (Map.Entry<String, List<Double>> scores : benchmark.getValue().entrySet()) {
        List<Double> sorted = new ArrayList<>(scores.getValue());
        Collections.sort(sorted);
        double median = median(sorted);
        System.out.println(String.format(Locale.ROOT, "| %s | %s | %.1f (%.1f-%.1f, %d) | %+.1f | ×%.3f |",
            benchmark.getKey(), scores.getKey(), median, sorted.get(0), sorted.get(sorted.size() - 1),
            sorted.size(), median - baseline, baseline / median));
      }
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** No agent at start; {@link BenchAgent} attaches it once the benchmark's objects exist. */
  private static String[] attachArgs(String jar) {
    List<String> jvmArgs = new ArrayList<>(List.of(agentArgs(jar, "")));
    jvmArgs.remove(0);
    jvmArgs.add("-Djdk.attach.allowAttachSelf=true");
    jvmArgs.add("-Dbench.attach=" + jar);
    return jvmArgs.toArray(new String[0]);
  }

  private static String[] agentArgs(String jar, String args) {
    List<String> jvmArgs = new ArrayList<>();
    jvmArgs.add("-javaagent:" + jar + args);
    // A real metric reader, so that histograms record for real; it never exports during a run.
    jvmArgs.add("-Dotel.exporter.otlp.endpoint=http://127.0.0.1:9");
    jvmArgs.add("-Dotel.metric.export.interval=3600000");
    jvmArgs.add("-Dotel.traces.exporter=none");
    jvmArgs.add("-Dspillway.log.level=error");
    return jvmArgs.toArray(new String[0]);
  }
}
