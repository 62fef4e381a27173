package dev.spillway.agent.config;

import java.util.List;

/**
 * Every Spillway setting, declared once. Each can be given as an agent argument
 * ({@code -javaagent:spillway-agent.jar=executor.max-tracked=50}), a system property
 * ({@code -Dspillway.executor.max-tracked=50}) or an environment variable
 * ({@code SPILLWAY_EXECUTOR_MAX_TRACKED=50}); agent arguments win over system properties, which
 * win over the environment.
 *
 * <p>OpenTelemetry export is configured the standard way ({@code OTEL_*} / {@code otel.*}), shared
 * with the application. Any {@code spillway.otel.<key>} overrides {@code otel.<key>} for Spillway
 * alone, for where a shared setting would clash with another agent in the same JVM.
 */
public final class Settings {

  /** The prefix of every Spillway key. */
  public static final String PREFIX = "spillway.";

  /** Keys under this prefix override OpenTelemetry settings for Spillway only. */
  public static final String OTEL_PREFIX = "spillway.otel.";

  public enum LogLevel { ERROR, WARN, INFO, DEBUG }

  public enum TimingMode { ADAPTIVE, ALL, OFF }

  public static final Setting<Boolean> ENABLED = Setting.flag("spillway.enabled", true,
      "Turns the whole agent off when false.");

  public static final Setting<LogLevel> LOG_LEVEL = Setting.choice("spillway.log.level", LogLevel.INFO,
      "What the agent prints on standard error. At info: one line at start-up, and problems.");

  public static final Setting<Boolean> EXECUTOR_ENABLED = Setting.flag("spillway.executor.enabled", true,
      "Instruments every ThreadPoolExecutor and subclass (jvm.executor.* metrics).");

  public static final Setting<Integer> EXECUTOR_MAX_TRACKED = Setting.integer(
      "spillway.executor.max-tracked", 200, 1, 100_000,
      "At most this many executors get their own series; later ones share the series named"
          + " `_overflow`, and a warning says so once.");

  public static final Setting<String> EXECUTOR_NAMES = Setting.text("spillway.executor.names", "",
      "Renames executors: `glob=name;glob=name`, matched against the derived name"
          + " (e.g. `com.acme.OrderService=orders;http-nio-*-exec=http`).");

  public static final Setting<TimingMode> TIMING = Setting.choice("spillway.timing",
      TimingMode.ADAPTIVE,
      "Which executor tasks (and items of queues with details) feed the wait and run-time histograms:"
          + " `adaptive` times every one while an executor or queue handles fewer than"
          + " `timing.samples-per-second` a second and a random sample above that; `all` times every"
          + " one (about 80 ns each); `off` none.");

  public static final Setting<Integer> TIMING_RATE = Setting.integer(
      "spillway.timing.samples-per-second", 1000, 1, 10_000_000,
      "In adaptive timing, the most tasks or items timed per second, per executor or queue.");

  public static final Setting<Boolean> QUEUE_ENABLED = Setting.flag("spillway.queue.enabled", true,
      "Instruments the JDK's blocking queues (jvm.queue.* metrics): by default their size, capacity and"
          + " refused inserts, which cost nothing on a successful insert or removal.");

  public static final Setting<Integer> QUEUE_MAX_TRACKED = Setting.integer(
      "spillway.queue.max-tracked", 200, 1, 100_000,
      "At most this many queue series (creation sites); later ones share the series named `_overflow`,"
          + " and a warning says so once.");

  public static final Setting<String> QUEUE_NAMES = Setting.text("spillway.queue.names", "",
      "Renames queues: `glob=name;glob=name`, matched against the creation site"
          + " (e.g. `com.acme.Pipeline=inbox`).");

  public static final Setting<String> QUEUE_DETAILS = Setting.text("spillway.queue.details", "",
      "Queues (globs on their names, `;`-separated, `*` for all) that also count every insert and"
          + " removal and time waits and blocked puts: about 20 ns more per insert and removal.");

  public static final Setting<String> RULES = Setting.text("spillway.rules", "",
      "Path of a shedding-rules file (YAML, see Shedding rules). Checked every second; a change takes"
          + " effect within about a second, an invalid file is refused and the rules in force stay.");

  public static final Setting<Boolean> JMX_ENABLED = Setting.flag("spillway.jmx.enabled", true,
      "Registers the `dev.spillway` MBeans (rules, status) in the platform MBean server, for JConsole,"
          + " VisualVM and the command line.");

  public static final List<Setting<?>> ALL = List.of(
      ENABLED, LOG_LEVEL,
      TIMING, TIMING_RATE,
      EXECUTOR_ENABLED, EXECUTOR_MAX_TRACKED, EXECUTOR_NAMES,
      QUEUE_ENABLED, QUEUE_MAX_TRACKED, QUEUE_NAMES, QUEUE_DETAILS,
      RULES, JMX_ENABLED);

  private Settings() {}
}
