package dev.spillway.it.support;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A forked JVM running one of the test applications, with (or without) the real agent jar.
 *
 * <p>The application talks to the test through lines: it prints markers on standard output and
 * reads commands on standard input (see {@code dev.spillway.it.apps.Scenario}). Both output
 * streams are captured, so that a test can wait for a line and check that the agent printed no
 * warning it did not expect.
 */
public final class AgentJvm implements AutoCloseable {

  /** The agent jar under test, built by the agent module. */
  public static Path agentJar() {
    Path jar = Paths.get(System.getProperty("spillway.agent.jar", "../agent/target/spillway-agent.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("agent jar not built: " + jar.toAbsolutePath());
    }
    return jar.toAbsolutePath();
  }

  /** The JDK 25 every scenario must also pass on. */
  public static Path jdk25() {
    return Paths.get(System.getProperty("spillway.jdk25.home", "/usr/lib/jvm/temurin-25-jdk-amd64"));
  }

  private final Process process;
  private final Writer stdin;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private final String description;
  private final Path javaHome;

  private AgentJvm(Process process, String description, Path javaHome) {
    this.process = process;
    this.description = description;
    this.javaHome = javaHome;
    this.stdin = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    pump(process.getInputStream(), stdout, "out");
    pump(process.getErrorStream(), stderr, "err");
  }

  public static Builder builder(Class<?> mainClass) {
    return new Builder(mainClass.getName(), null);
  }

  /** A JVM started as an executable jar is: {@code java -jar jar}, with no other class path. */
  public static Builder executableJar(Path jar) {
    return new Builder(null, jar.toAbsolutePath());
  }

  /** Waits for a line on standard output that satisfies {@code test}; returns it. */
  public String awaitOutput(Predicate<String> test, Duration timeout) {
    return awaitLine(stdout, 0, test, timeout, "standard output");
  }

  /** Lines printed on standard output so far: a mark for {@link #awaitOutputAfter}. */
  public int outputMark() {
    return stdout.size();
  }

  /** Waits for a line printed after {@code mark} that satisfies {@code test}; returns it. */
  public String awaitOutputAfter(int mark, Predicate<String> test, Duration timeout) {
    return awaitLine(stdout, mark, test, timeout, "standard output");
  }

  /** Sends {@code command} and waits for the first line after it that starts with {@code prefix}. */
  public String ask(String command, String prefix) {
    int mark = outputMark();
    send(command);
    return awaitOutputAfter(mark, line -> line.startsWith(prefix), Duration.ofSeconds(30));
  }

  /** Waits for a standard-output line starting with {@code prefix}; returns it. */
  public String awaitOutput(String prefix) {
    return awaitOutput(line -> line.startsWith(prefix), Duration.ofSeconds(30));
  }

  /** Waits for a line on standard error that satisfies {@code test}; returns it. */
  public String awaitError(Predicate<String> test, Duration timeout) {
    return awaitLine(stderr, 0, test, timeout, "standard error");
  }

  /** Lines printed on standard error so far: a mark for {@link #awaitErrorAfter}. */
  public int errorMark() {
    return stderr.size();
  }

  /** Waits for a standard-error line printed after {@code mark} that satisfies {@code test}. */
  public String awaitErrorAfter(int mark, Predicate<String> test, Duration timeout) {
    return awaitLine(stderr, mark, test, timeout, "standard error");
  }

  /** Waits for the agent's start-up line; fails if the agent reports an error instead. */
  public String awaitAgentStarted() {
    return awaitError(line -> line.startsWith("[spillway] INFO") && line.contains(" started in "),
        Duration.ofSeconds(60));
  }

  /** Sends one command line to the application. */
  public void send(String command) {
    try {
      stdin.write(command + "\n");
      stdin.flush();
    } catch (IOException e) {
      throw new IllegalStateException(description + " does not read its input any more: " + this, e);
    }
  }

  /** Waits for the JVM to exit; returns its exit code. */
  public int awaitExit(Duration timeout) {
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError(description + " did not exit within " + timeout + "\n" + this);
      }
      // Let the pumps read the last lines.
      Thread.sleep(50);
      return process.exitValue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Live instances of the classes named {@code className} (in any class loader), counted by
   * {@code jcmd GC.class_histogram}, which runs a full collection first.
   */
  public long liveInstances(String className) {
    // "   7:   12   288  com.acme.Foo (java.base@17)": rank, instances, bytes, class [module]
    long instances = 0;
    for (String line : jcmd("GC.class_histogram").split("\n")) {
      String[] fields = line.trim().split("\\s+");
      if (fields.length >= 4 && fields[0].endsWith(":") && fields[3].equals(className)) {
        instances += Long.parseLong(fields[1]);
      }
    }
    return instances;
  }

  /** The names of this JVM's Java threads, from {@code jcmd Thread.print}: for diagnostics. */
  public List<String> threadNames() {
    List<String> names = new ArrayList<>();
    for (String line : jcmd("Thread.print").split("\n")) {
      if (line.startsWith("\"") && line.indexOf('"', 1) > 0) {
        names.add(line.substring(1, line.indexOf('"', 1)));
      }
    }
    return names;
  }

  /** Runs {@code jcmd <pid> <command>} with this JVM's JDK and returns what it printed. */
  public String jcmd(String... command) {
    List<String> line = new ArrayList<>(List.of(javaHome.resolve("bin").resolve("jcmd").toString(),
        Long.toString(pid())));
    line.addAll(List.of(command));
    try {
      Process jcmd = new ProcessBuilder(line).redirectErrorStream(true).start();
      String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!jcmd.waitFor(30, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
        throw new AssertionError(String.join(" ", line) + " failed:\n" + output);
      }
      return output;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + line, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public List<String> stdout() {
    return List.copyOf(stdout);
  }

  public List<String> stderr() {
    return List.copyOf(stderr);
  }

  /** Lines the agent printed at warning or error level. */
  public List<String> agentProblems() {
    return stderr.stream()
        .filter(line -> line.startsWith("[spillway] WARN") || line.startsWith("[spillway] ERROR"))
        .collect(Collectors.toList());
  }

  /**
   * Ends a test class's application (either may be null, when its start failed): checks that the
   * agent printed no warning or error, sends {@code exit}, closes it, then the receiver.
   */
  public static void finish(AgentJvm app, OtlpReceiver receiver) {
    try {
      if (app != null) {
        org.assertj.core.api.Assertions.assertThat(app.agentProblems()).isEmpty();
        app.send("exit");
      }
    } finally {
      if (app != null) {
        app.close();
      }
      if (receiver != null) {
        receiver.close();
      }
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }

  @Override
  public String toString() {
    return description + "\n--- stdout\n" + String.join("\n", stdout) + "\n--- stderr\n"
        + String.join("\n", stderr);
  }

  private String awaitLine(List<String> lines, int from, Predicate<String> test, Duration timeout,
      String stream) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = from;
    while (true) {
      while (seen < lines.size()) {
        String line = lines.get(seen++);
        if (test.test(line)) {
          return line;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("no expected line on " + stream + " within " + timeout + "\n" + this);
      }
      if (!process.isAlive() && seen >= lines.size()) {
        try {
          Thread.sleep(100); // let the pumps drain
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        if (seen >= lines.size()) {
          throw new AssertionError(description + " exited (" + process.exitValue()
              + ") before the expected line on " + stream + "\n" + this);
        }
      }
      synchronized (lines) {
        try {
          lines.wait(20);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static void pump(java.io.InputStream in, List<String> into, String name) {
    Thread thread = new Thread(() -> {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          into.add(line);
          synchronized (into) {
            into.notifyAll();
          }
        }
      } catch (IOException ignored) {
        // the process is gone
      }
    }, "jvm-" + name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Describes the JVM to fork. */
  public static final class Builder {
    private final String mainClass;
    /** The executable jar to run instead of {@link #mainClass}; null for none. */
    private final Path jar;
    private Path javaHome = Paths.get(System.getProperty("java.home"));
    private boolean agent = true;
    private String agentArgs;
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> jvmArgs = new ArrayList<>();
    private final List<String> afterAgent = new ArrayList<>();
    private final List<String> classpath = new ArrayList<>();
    private final List<String> args = new ArrayList<>();

    private Builder(String mainClass, Path jar) {
      this.mainClass = mainClass;
      this.jar = jar;
      classpath.add(Paths.get("target", "test-classes").toAbsolutePath().toString());
    }

    /** Runs on another JDK (its home directory). */
    public Builder javaHome(Path home) {
      this.javaHome = home;
      return this;
    }

    public Builder withoutAgent() {
      this.agent = false;
      return this;
    }

    public Builder agentArgs(String args) {
      this.agentArgs = args;
      return this;
    }

    public Builder property(String key, String value) {
      properties.put(key, value);
      return this;
    }

    /** Takes back a system property set before (by {@link #exportTo}, say). */
    public Builder withoutProperty(String key) {
      properties.remove(key);
      return this;
    }

    public Builder env(String key, String value) {
      env.put(key, value);
      return this;
    }

    public Builder jvmArg(String arg) {
      jvmArgs.add(arg);
      return this;
    }

    /** A JVM option after Spillway's {@code -javaagent} (another agent listed after it). */
    public Builder jvmArgAfterAgent(String arg) {
      afterAgent.add(arg);
      return this;
    }

    public Builder classpath(Path entry) {
      classpath.add(entry.toAbsolutePath().toString());
      return this;
    }

    /** Puts the test's own class path (all its libraries) on the application's. */
    public Builder testClasspath() {
      for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
        if (!entry.isBlank() && !classpath.contains(entry)) {
          classpath.add(entry);
        }
      }
      return this;
    }

    public Builder args(String... values) {
      args.addAll(List.of(values));
      return this;
    }

    /**
     * Exports to {@code receiver} over OTLP/HTTP every 200 ms, the standard way; traces too.
     */
    public Builder exportTo(OtlpReceiver receiver) {
      property("otel.exporter.otlp.endpoint", receiver.httpEndpoint());
      property("otel.metric.export.interval", "200");
      property("otel.bsp.schedule.delay", "200");
      property("otel.service.name", "spillway-it");
      return this;
    }

    public AgentJvm start() {
      List<String> command = new ArrayList<>();
      command.add(javaHome.resolve("bin").resolve("java").toString());
      command.add("-Xmx256m");
      command.add("-XX:+UseSerialGC");
      command.addAll(jvmArgs);
      if (agent) {
        command.add("-javaagent:" + agentJar() + (agentArgs == null ? "" : "=" + agentArgs));
      }
      command.addAll(afterAgent);
      properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
      if (jar != null) {
        command.add("-jar");
        command.add(jar.toString());
      } else {
        command.add("-cp");
        command.add(String.join(File.pathSeparator, classpath));
        command.add(mainClass);
      }
      command.addAll(args);
      ProcessBuilder builder = new ProcessBuilder(command);
      // A clean environment for OTEL_* and SPILLWAY_*, whatever the machine running the tests has.
      builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_") || k.startsWith("SPILLWAY_")
          || k.equals("JAVA_TOOL_OPTIONS") || k.equals("JDK_JAVA_OPTIONS"));
      builder.environment().putAll(env);
      try {
        String what = jar != null ? jar.getFileName().toString() : mainClass;
        return new AgentJvm(builder.start(), what + " on " + javaHome.getFileName()
            + (agent ? " with the agent" : " without the agent"), javaHome);
      } catch (IOException e) {
        throw new IllegalStateException("cannot start " + command, e);
      }
    }
  }
}
