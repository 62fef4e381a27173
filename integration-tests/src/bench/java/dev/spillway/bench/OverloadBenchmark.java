package dev.spillway.bench;

import dev.spillway.examples.overload.LoadGenerator;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The proof that shedding solves the problem. The example {@code OrderService} (8 threads, a queue
 * of 400, a dependency that slows from 10 ms to 40 ms after 5 s: capacity 200 requests a second)
 * is offered 400 requests a second, open loop, in turn without the agent, with the agent and no
 * rules, and with the example's {@code wait} rule. Measured over the slow phase: latency of
 * admitted requests, goodput within the deadline, and how fast refused requests learn it.
 *
 * <pre>java -cp ... dev.spillway.bench.OverloadBenchmark [seconds]</pre>
 */
public final class OverloadBenchmark {

  static final int RATE = 400;
  static final int CAPACITY = 200;
  static final int DEADLINE_MILLIS = 500;

  public static void main(String[] args) throws Exception {
    int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    String agent = new File(System.getProperty("spillway.agent.jar")).getAbsolutePath();
    String examples = new File(System.getProperty("spillway.examples.jar")).getAbsolutePath();
    String rules = Path.of(System.getProperty("spillway.examples.jar")).getParent().getParent()
        .resolve("overload-rules.yaml").toString();

    Map<String, List<String>> configurations = new LinkedHashMap<>();
    configurations.put("no agent", List.of());
    configurations.put("agent, no rules", List.of("-javaagent:" + agent));
    configurations.put("agent, wait rule (5 ms / 100 ms)", List.of("-javaagent:" + agent, "-Dspillway.rules=" + rules));

    Map<String, LoadGenerator.Result> results = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> configuration : configurations.entrySet()) {
      results.put(configuration.getKey(), run(examples, configuration.getValue(), seconds));
    }
    System.out.println();
    System.out.println(String.format(Locale.ROOT, "Offered %d requests/s to a service with a capacity of %d/s once"
        + " its dependency slows; deadline %d ms; %d s measured.", RATE, CAPACITY, DEADLINE_MILLIS, seconds));
    System.out.println();
    System.out.println("| configuration | admitted p50 | admitted p99 | goodput (200 within deadline) |"
        + " share of capacity | refused | refusal p50 / p99 |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (Map.Entry<String, LoadGenerator.Result> entry : results.entrySet()) {
      LoadGenerator.Result r = entry.getValue();
      System.out.println(String.format(Locale.ROOT, "| %s | %.0f ms | %.0f ms | %.0f/s | %.0f%% | %d of %d | %s |",
          entry.getKey(), r.okP50, r.okP99, r.goodput(), 100 * r.goodput() / CAPACITY, r.refused + r.failed,
          r.sent, r.refused == 0 ? "-" : String.format(Locale.ROOT, "%.1f / %.1f ms", r.refusedP50, r.refusedP99)));
    }
  }

  private static LoadGenerator.Result run(String examples, List<String> agentArgs, int seconds) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(agentArgs);
    command.add("-Dotel.metrics.exporter=none");
    command.add("-Dotel.traces.exporter=none");
    command.addAll(List.of("-cp", examples, "dev.spillway.examples.overload.OrderService", "--port", "0",
        "--threads", "8", "--queue", "400", "--fast", "10", "--slow", "40", "--slow-after", "5"));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("SPILLWAY_"));
    Process service = builder.start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8));
      String line;
      int port = -1;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("listening on ")) {
          port = Integer.parseInt(line.substring("listening on ".length()));
          break;
        }
      }
      if (port < 0) {
        throw new IllegalStateException("service did not start: " + command);
      }
      Thread drain = new Thread(() -> out.lines().forEach(l -> { }));
      drain.setDaemon(true);
      drain.start();
      // Warm-up covers the fast phase and the first second of the slow one.
      return LoadGenerator.run(URI.create("http://127.0.0.1:" + port + "/order"), RATE, 6, seconds, DEADLINE_MILLIS);
    } finally {
      service.destroy();
      service.waitFor();
    }
  }
}
