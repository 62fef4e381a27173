package dev.spillway.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the real command line, {@code java -jar spillway-agent.jar ...}, and captures what it says. */
public final class Cli {

  /** What one command printed and returned. */
  public static final class Result {
    public final int exitCode;
    public final String out;
    public final String err;
    public final long millis;

    Result(int exitCode, String out, String err, long millis) {
      this.exitCode = exitCode;
      this.out = out;
      this.err = err;
      this.millis = millis;
    }

    @Override
    public String toString() {
      return "exit " + exitCode + " in " + millis + " ms\n--- out\n" + out + "--- err\n" + err;
    }
  }

  private Cli() {}

  /**
   * The JSON row of one target in {@code status <pid> --json} ({@code kind} {@code pool},
   * {@code executor}, ...); fails the test when the command fails or has no such row.
   */
  public static String statusRow(long pid, String kind, String name) {
    Result status = run("status", Long.toString(pid), "--json");
    assertThat(status.exitCode).as("%s", status).isZero();
    Matcher row = Pattern.compile("\\{\"kind\": \"" + kind + "\", \"name\": \"" + Pattern.quote(name) + "\"[^}]*}")
        .matcher(status.out);
    assertThat(row.find()).as("%s", status).isTrue();
    return row.group();
  }

  public static Result run(String... args) {
    return run(Path.of(System.getProperty("java.home")), args);
  }

  /** Runs the command line on the JDK at {@code javaHome}. */
  public static Result run(Path javaHome, String... args) {
    return run(javaHome, List.of(), args);
  }

  /** Runs the command line with options for its own JVM (such as --limit-modules). */
  public static Result run(Path javaHome, List<String> jvmOptions, String... args) {
    List<String> command = new ArrayList<>();
    command.add(javaHome.resolve("bin").resolve("java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(AgentJvm.agentJar().toString());
    command.addAll(List.of(args));
    long start = System.nanoTime();
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().keySet().removeIf(k -> k.startsWith("JAVA_TOOL_OPTIONS") || k.startsWith("JDK_JAVA_OPTIONS"));
      Process process = builder.start();
      byte[][] streams = new byte[2][];
      Thread errReader = new Thread(() -> {
        try {
          streams[1] = process.getErrorStream().readAllBytes();
        } catch (IOException e) {
          streams[1] = new byte[0];
        }
      });
      errReader.start();
      streams[0] = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("command did not finish: " + command);
      }
      errReader.join();
      return new Result(process.exitValue(), new String(streams[0], StandardCharsets.UTF_8),
          new String(streams[1], StandardCharsets.UTF_8), (System.nanoTime() - start) / 1_000_000);
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
