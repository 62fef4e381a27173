package dev.spillway.agent.telemetry;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.config.Settings.LogLevel;
import java.text.MessageFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.logging.Handler;
import java.util.logging.Level;

/**
 * Stands in for {@code java.util.logging.Logger} in the relocated OpenTelemetry and OkHttp code
 * (the shade plugin rewrites their references to this class), so the agent never starts JUL.
 *
 * <p>Output of the {@code console} / {@code logging} exporters is printed as is: it is what the
 * user asked for. The SDK's own warnings are printed once each; export failures are reported by
 * {@link ReportingExporters} with the endpoint, so here they are kept for debug output.
 * Only the methods the relocated code calls exist; {@code AgentJarIT} (integration-tests) checks
 * that list against every call in the built jar.
 */
public final class PatchLogger {

  private static final ConcurrentMap<String, PatchLogger> LOGGERS = new ConcurrentHashMap<>();
  private static final Handler[] NO_HANDLERS = new Handler[0];

  private final String name;
  private final boolean console;
  private final boolean exporterInternals;

  private PatchLogger(String name) {
    this.name = name;
    this.console = name.contains(".exporter.logging.");
    // Export outcomes (failed, timed out, retried) are reported by ReportingExporters instead.
    // The OTLP exporters log each failure from exporter.otlp.internal (HttpExporter, GrpcExporter).
    this.exporterInternals = name.contains(".exporter.internal.") || name.contains(".exporter.otlp.internal.")
        || name.contains(".exporter.sender.")
        || name.endsWith(".PeriodicMetricReader") || name.endsWith(".BatchSpanProcessor");
  }

  public static PatchLogger getLogger(String name) {
    return LOGGERS.computeIfAbsent(name, PatchLogger::new);
  }

  public String getName() {
    return name;
  }

  public boolean isLoggable(Level level) {
    if (console) {
      return level.intValue() >= Level.INFO.intValue();
    }
    return level.intValue() >= Level.WARNING.intValue() || AgentLog.isEnabled(LogLevel.DEBUG);
  }

  public Handler[] getHandlers() {
    return NO_HANDLERS;
  }

  public void log(Level level, String message) {
    publish(level, message, null);
  }

  public void log(Level level, String message, Throwable thrown) {
    publish(level, message, thrown);
  }

  public void log(Level level, String message, Object param) {
    publish(level, format(message, new Object[] {param}), null);
  }

  public void log(Level level, String message, Object[] params) {
    publish(level, format(message, params), null);
  }

  public void severe(String message) {
    publish(Level.SEVERE, message, null);
  }

  public void warning(String message) {
    publish(Level.WARNING, message, null);
  }

  public void info(String message) {
    publish(Level.INFO, message, null);
  }

  public void config(String message) {
    publish(Level.CONFIG, message, null);
  }

  public void fine(String message) {
    publish(Level.FINE, message, null);
  }

  public void finer(String message) {
    publish(Level.FINER, message, null);
  }

  public void finest(String message) {
    publish(Level.FINEST, message, null);
  }

  private void publish(Level level, String message, Throwable thrown) {
    if (!isLoggable(level)) {
      return;
    }
    if (console) {
      // The console exporter's output: one record per line, as JUL's console handler would.
      System.err.println(message);
      return;
    }
    String line = "OpenTelemetry SDK (" + name + "): " + message;
    if (level.intValue() < Level.WARNING.intValue() || exporterInternals) {
      AgentLog.debug(line, thrown);
    } else {
      AgentLog.warnOnce(name + '|' + message, thrown == null ? line : line + " (" + thrown + ")");
    }
  }

  private static String format(String message, Object[] params) {
    if (message == null || params == null || params.length == 0 || message.indexOf('{') < 0) {
      return message;
    }
    try {
      return MessageFormat.format(message, params);
    } catch (IllegalArgumentException e) {
      return message;
    }
  }
}
