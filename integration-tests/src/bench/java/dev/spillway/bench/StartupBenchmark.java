package dev.spillway.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Whole-process start-up cost: the example {@code Hello} (one executor, one task, export off) run
 * again and again without and with the agent, alternating, so that both see the same machine;
 * then, fewer times, {@code HoldUntilStarted}, held until the agent is fully started and 3 s more
 * while it exports every second to a closed port: its peak RSS is the agent's memory once up.
 * Reports the median wall time and peak RSS of each.
 *
 * <pre>java -cp ... dev.spillway.bench.StartupBenchmark [runs]</pre>
 */
public final class StartupBenchmark {

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    String agent = new File(System.getProperty("spillway.agent.jar")).getAbsolutePath();
    String examples = new File(System.getProperty("spillway.examples.jar")).getAbsolutePath();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    boolean gnuTime = Files.isExecutable(Path.of("/usr/bin/time"));
    List<String> exportOff = List.of("-Dotel.metrics.exporter=none", "-Dotel.traces.exporter=none");
    compare("start-up of Hello", runs, gnuTime, java, examples, agent, exportOff,
        List.of("dev.spillway.examples.Hello"), List.of("dev.spillway.examples.Hello"));
    // Every second to a port nobody listens on: the exporter runs, and fails fast.
    List<String> exportClosed = List.of("-Dotel.exporter.otlp.endpoint=http://127.0.0.1:9",
        "-Dotel.metric.export.interval=1000");
    compare("HoldUntilStarted, agent fully up", Math.max(3, runs / 3), gnuTime, java, examples, agent, exportClosed,
        List.of("dev.spillway.examples.HoldUntilStarted", "3000", "--no-agent"),
        List.of("dev.spillway.examples.HoldUntilStarted", "3000"));
  }

  /** {@code runs} alternating runs of the program without and with the agent, and one table. */
  private static void compare(String title, int runs, boolean gnuTime, String java, String examples, String agent,
      List<String> agentProperties, List<String> plainProgram, List<String> agentProgram) throws Exception {
    List<Double> plainSeconds = new ArrayList<>();
    List<Double> agentSeconds = new ArrayList<>();
    List<Long> plainRss = new ArrayList<>();
    List<Long> agentRss = new ArrayList<>();
    for (int i = 0; i < runs + 1; i++) {
      Sample plain = run(gnuTime, java, examples, null, List.of(), plainProgram);
      Sample withAgent = run(gnuTime, java, examples, agent, agentProperties, agentProgram);
      if (i == 0) {
        continue; // warm the file cache
      }
      plainSeconds.add(plain.seconds);
      agentSeconds.add(withAgent.seconds);
      plainRss.add(plain.rssKb);
      agentRss.add(withAgent.rssKb);
    }
    double p = median(plainSeconds);
    double a = median(agentSeconds);
    System.out.println();
    System.out.println("| " + title + " (" + runs + " runs each) | median wall time | median peak RSS |");
    System.out.println("|---|---|---|");
    System.out.println(String.format(Locale.ROOT, "| no agent | %.3f s | %s |", p, rss(plainRss)));
    System.out.println(String.format(Locale.ROOT, "| agent | %.3f s (%+.3f s, ×%.2f) | %s |", a, a - p, a / p,
        rss(agentRss)));
  }

  private static final class Sample {
    final double seconds;
    final long rssKb;

    Sample(double seconds, long rssKb) {
      this.seconds = seconds;
      this.rssKb = rssKb;
    }
  }

  private static Sample run(boolean gnuTime, String java, String examples, String agent,
      List<String> agentProperties, List<String> program) throws Exception {
    List<String> command = new ArrayList<>();
    Path rssFile = Files.createTempFile("rss", ".txt");
    if (gnuTime) {
      command.addAll(Arrays.asList("/usr/bin/time", "-f", "%M", "-o", rssFile.toString()));
    }
    command.add(java);
    if (agent != null) {
      command.add("-javaagent:" + agent);
      command.addAll(agentProperties);
    }
    command.addAll(Arrays.asList("-cp", examples));
    command.addAll(program);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
    builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("SPILLWAY_"));
    long start = System.nanoTime();
    Process process = builder.start();
    if (process.waitFor() != 0) {
      throw new IllegalStateException("run failed: " + command);
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    long rss = -1;
    if (gnuTime) {
      String text = Files.readString(rssFile).trim();
      rss = Long.parseLong(text.substring(text.lastIndexOf('\n') + 1).trim());
    }
    Files.deleteIfExists(rssFile);
    return new Sample(seconds, rss);
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private static String rss(List<Long> values) {
    List<Long> sorted = new ArrayList<>(values);
    sorted.sort(null);
    long median = sorted.get(sorted.size() / 2);
    return median < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MiB", median / 1024.0);
  }
}
