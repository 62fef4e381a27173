package dev.spillway.it.apps;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application side of a test: markers out on standard output, commands in on standard input.
 * Test applications use nothing else of the test code and nothing of Spillway.
 */
public final class Scenario {

  private static final BufferedReader IN =
      new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));

  private Scenario() {}

  public static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  /** Blocks until the test sends {@code command}. */
  public static void await(String command) {
    while (true) {
      String line = next();
      if (line.equals(command)) {
        return;
      }
    }
  }

  /** The next command line; exits the JVM when the test is gone. */
  public static String next() {
    try {
      String line = IN.readLine();
      if (line == null) {
        System.exit(3);
      }
      return line.trim();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Threads named {@code prefix-1}, {@code prefix-2}...: how most frameworks name pool threads. */
  public static ThreadFactory named(String prefix) {
    AtomicInteger next = new AtomicInteger();
    return task -> new Thread(task, prefix + "-" + next.incrementAndGet());
  }
}
