package dev.spillway.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A whole-process benchmark's measured program, in a fresh JVM of this one's JDK and class path,
 * exporting nowhere: its command line, and its output read line by line.
 */
final class ChildJvm {

  private ChildJvm() {}

  /** {@code java <jvmOptions> <quiet export settings> -cp <this class path> <main> child <args>}. */
  static List<String> command(List<String> jvmOptions, Class<?> main, String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-Dotel.exporter.otlp.endpoint=http://127.0.0.1:9");
    command.add("-Dotel.metric.export.interval=3600000");
    command.add("-Dotel.traces.exporter=none");
    command.add("-Dspillway.log.level=error");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.add("child");
    command.addAll(List.of(args));
    return command;
  }

  /**
   * Runs {@code command}, handing each line that starts with {@code prefix} to {@code result}
   * (without the prefix) and echoing the others; fails if the JVM exits with an error.
   */
  static void run(List<String> command, String prefix, Consumer<String> result) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith(prefix)) {
          result.accept(line.substring(prefix.length()));
        } else {
          System.out.println("  child: " + line);
        }
      }
    }
    if (process.waitFor() != 0) {
      throw new IllegalStateException("benchmark JVM exited with " + process.exitValue());
    }
  }
}
