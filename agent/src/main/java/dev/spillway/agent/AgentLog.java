package dev.spillway.agent;

import dev.spillway.agent.config.Settings.LogLevel;
import dev.spillway.agent.util.Printable;
import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's own log: single lines on standard error, prefixed {@code [spillway]}.
 *
 * <p>Deliberately not java.util.logging or any framework: the agent must not start or configure
 * the application's logging. Every line is one line: control characters in what it quotes are
 * escaped. Problems that could repeat (an exporter failing every interval) are
 * reported once per key through {@link #warnOnce}.
 */
public final class AgentLog {

  private static volatile LogLevel level = LogLevel.INFO;
  private static volatile PrintStream out = System.err;
  private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();

  private AgentLog() {}

  public static void setLevel(LogLevel newLevel) {
    level = newLevel;
  }

  public static boolean isEnabled(LogLevel wanted) {
    return wanted.ordinal() <= level.ordinal();
  }

  public static void error(String message) {
    log(LogLevel.ERROR, message, null);
  }

  public static void error(String message, Throwable cause) {
    log(LogLevel.ERROR, message, cause);
  }

  public static void warn(String message) {
    log(LogLevel.WARN, message, null);
  }

  /** Logs a warning the first time a key is seen; later warnings with the same key are dropped. */
  public static void warnOnce(String key, String message) {
    if (ONCE.add(key)) {
      log(LogLevel.WARN, message, null);
    }
  }

  /** Forgets a {@link #warnOnce} key, so that the problem is reported again if it comes back. */
  public static void clearOnce(String key) {
    ONCE.remove(key);
  }

  public static void info(String message) {
    log(LogLevel.INFO, message, null);
  }

  public static void debug(String message) {
    log(LogLevel.DEBUG, message, null);
  }

  public static void debug(String message, Throwable cause) {
    log(LogLevel.DEBUG, message, cause);
  }

  private static void log(LogLevel messageLevel, String message, Throwable cause) {
    if (!isEnabled(messageLevel)) {
      return;
    }
    PrintStream stream = out;
    String line = "[spillway] " + messageLevel.name() + " " + message;
    if (cause != null && !isEnabled(LogLevel.DEBUG)) {
      line = line + " (" + cause + ")";
    }
    // One line whatever the message quotes (a file, a setting, a name): never a terminal escape.
    line = Printable.escape(line);
    synchronized (stream) {
      stream.println(line);
      if (cause != null && isEnabled(LogLevel.DEBUG)) {
        cause.printStackTrace(stream);
      }
    }
  }
}
