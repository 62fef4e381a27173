package dev.spillway.agent.config;

import java.time.Duration;
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

  /**
   * System properties the agent sets itself, for the command line to read through the attach
   * mechanism (see {@code Agent}): not settings, and never reported as unknown ones.
   */
  public static final java.util.Set<String> AGENT_PROPERTIES =
      java.util.Set.of("spillway.agent.version", "spillway.attach.result", "spillway.control.socket");

  public enum LogLevel { ERROR, WARN, INFO, DEBUG }

  public enum TimingMode { ADAPTIVE, ALL, OFF }

  public enum StartupMode { COMPLETE, BACKGROUND, WAIT }

  public static final Setting<Boolean> ENABLED = Setting.flag("spillway.enabled", true,
      "Turns the whole agent off when false.");

  public static final Setting<LogLevel> LOG_LEVEL = Setting.choice("spillway.log.level", LogLevel.INFO,
      "What the agent prints on standard error. At info: one line at start-up, and problems.");

  public static final Setting<StartupMode> STARTUP = Setting.choice("spillway.startup", StartupMode.COMPLETE,
      "`complete`: the application starts at once, and a class Spillway rewrites (an executor, a"
          + " blocking queue, a pool) waits, when first loaded, until its rewritten bytecode is ready,"
          + " so that nothing is built unseen and no worker starts in the unrewritten worker loop."
          + " `background`: nothing ever waits; classes loaded before the agent is ready are"
          + " handled as after an attach (executors observed, not rewritten), and objects built"
          + " meanwhile are found only when next used. `wait`: the former name of `complete`. Read"
          + " at start, not on attach.");

  public static final Setting<Boolean> EXECUTOR_ENABLED = Setting.flag("spillway.executor.enabled", true,
      "Instruments every ThreadPoolExecutor and subclass, Tomcat's own ThreadPoolExecutor, Jetty's"
          + " QueuedThreadPool, JBoss Threads' EnhancedQueueExecutor (Undertow) and every ForkJoinPool"
          + " (jvm.executor.* metrics).");

  public static final Setting<Integer> EXECUTOR_MAX_TRACKED = Setting.integer(
      "spillway.executor.max-tracked", 200, 1, 100_000,
      "At most this many executors get their own series; later ones share the series named"
          + " `_overflow`, and a warning says so once.");

  public static final Setting<String> EXECUTOR_NAMES = Setting.text("spillway.executor.names", "",
      "Renames executors: `glob=name;glob=name`, matched against the derived name"
          + " (e.g. `com.acme.OrderService=orders;task=async`).");

  public static final Setting<TimingMode> TIMING = Setting.choice("spillway.timing",
      TimingMode.ADAPTIVE,
      "Which executor tasks, connection acquires (and items of queues with details) feed the wait, run"
          + " and use-time histograms: `adaptive` records every one while an executor, pool or queue handles"
          + " fewer than `timing.samples-per-second` a second and a random sample above that; `all` records"
          + " every one (measured about +0.5 µs a task: three clock reads and two histogram records);"
          + " `off` none. Pool timeouts, slow-acquire spans and `wait` rules see every acquire whatever"
          + " the mode.");

  public static final Setting<Integer> TIMING_RATE = Setting.integer(
      "spillway.timing.samples-per-second", 1000, 1, 10_000_000,
      "In adaptive timing, the most tasks, acquires or items recorded per second, per executor, pool or"
          + " queue.");

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

  public static final Setting<String> QUEUE_DETAILS = Setting.globs("spillway.queue.details",
      "Queues (globs on their names, `;`-separated, `*` for all) that also count every insert and"
          + " removal and time waits and blocked puts: about 20 ns more per insert and removal.");

  public static final Setting<Boolean> POOL_ENABLED = Setting.flag("spillway.pool.enabled", true,
      "Instruments JDBC connection pools: HikariCP, commons-pool2 and DBCP2, Tomcat JDBC, c3p0, Agroal"
          + " (db.client.connection.* metrics, slow-acquire spans, shedding), and HTTP client pools: Apache"
          + " HttpClient 5 and 4.5, OkHttp (http.client.* metrics; see Connection pools).");

  public static final Setting<Integer> POOL_MAX_TRACKED = Setting.integer(
      "spillway.pool.max-tracked", 200, 1, 100_000,
      "At most this many connection pools get their own series; later ones share the series named"
          + " `_overflow`, and a warning says so once.");

  public static final Setting<Integer> POOL_MAX_ROUTES = Setting.integer(
      "spillway.pool.max-routes", 100, 1, 100_000,
      "At most this many routes (scheme, host and port) of one HTTP client pool get their own"
          + " `http.client.open_connections` and `http.client.active_requests` series; later ones are"
          + " added together under `server.address=_overflow`, and a warning says so once.");

  public static final Setting<String> POOL_NAMES = Setting.text("spillway.pool.names", "",
      "Renames connection pools: `glob=name;glob=name`, matched against the derived"
          + " `db.client.connection.pool.name` or `http.client.connection.pool.name` (e.g."
          + " `db.internal:5432/orders=orders-db`).");

  public static final Setting<Duration> EXECUTOR_SLOW_WAIT = Setting.duration("spillway.executor.slow-wait",
      Duration.ofMillis(100),
      "A task submitted inside a sampled span of the application that waits at least this long in an"
          + " executor's queue is traced: one `jvm.executor.task.wait` span, child of the submitter's span.");

  public static final Setting<Duration> POOL_SLOW_ACQUIRE = Setting.duration("spillway.pool.slow-acquire",
      Duration.ofMillis(100),
      "A connection acquire that waits at least this long (or times out) is traced: one"
          + " `db.client.connection.acquire` span (`http.client.connection.acquire` for an HTTP client's pool),"
          + " child of the application's current span.");

  public static final Setting<String> RULES = Setting.text("spillway.rules", "",
      "Path of a shedding-rules file (YAML, see Shedding rules). Checked every second; a change takes"
          + " effect once the file has stayed the same for a second (within about two), an invalid file is"
          + " refused and the rules in force stay.");

  public static final Setting<Boolean> PLUMBING_TRACKED = Setting.flag("spillway.plumbing.tracked", false,
      "Also tracks the executors, queues and pools of other Java agents (the OpenTelemetry agent's exporter"
          + " threads and span queues), of the JDK's RMI and JMX plumbing (`RMI Scheduler(0)`) and of logging"
          + " bootstrap (slf4j's `SubstituteLoggerFactory`), which are left out by default: they are not the"
          + " application's.");

  public static final Setting<Boolean> JMX_ENABLED = Setting.flag("spillway.jmx.enabled", true,
      "Registers the `dev.spillway` MBeans (rules, status) in the platform MBean server, for JConsole and"
          + " VisualVM (the command line does not use them), within a second of that server's start: the agent"
          + " never starts it, whoever does (the application, `com.sun.management.jmxremote`, a JMX client"
          + " attaching).");

  public static final Setting<Boolean> CONTROL_ENABLED = Setting.flag("spillway.control.enabled", true,
      "Opens the command line's control channel: a Unix domain socket in a directory only this JVM's OS user"
          + " may enter (no TCP port). Without it `status`, `top`, `rules` and `detach` cannot reach this JVM."
          + " Read at start.");

  public static final Setting<Boolean> VTHREAD_ENABLED = Setting.flag("spillway.vthread.enabled", false,
      "On JDK 21+, counts virtual threads started and alive (jvm.thread.virtual.started, jvm.thread.virtual.count)"
          + " with two striped increments per virtual thread woven into java.lang.VirtualThread, and their pins"
          + " (see `vthread.pins`). Off by default: measured about +40 ns per virtual thread for the counting and"
          + " +35 ns more while the JFR stream of pins runs (see Overhead). Nothing on JDK 17.");

  public static final Setting<Boolean> VTHREAD_PINS = Setting.flag("spillway.vthread.pins", true,
      "With `vthread.enabled`, also counts virtual threads that stayed pinned to their carrier for 20 ms or more"
          + " (jvm.thread.virtual.pins) from the JVM's jdk.VirtualThreadPinned events, through a JFR recording"
          + " stream of that event alone, started once the first virtual thread is seen. `false` leaves JFR alone.");

  public static final List<Setting<?>> ALL = List.of(
      ENABLED, LOG_LEVEL, STARTUP,
      TIMING, TIMING_RATE,
      EXECUTOR_ENABLED, EXECUTOR_MAX_TRACKED, EXECUTOR_NAMES, EXECUTOR_SLOW_WAIT,
      QUEUE_ENABLED, QUEUE_MAX_TRACKED, QUEUE_NAMES, QUEUE_DETAILS,
      POOL_ENABLED, POOL_MAX_TRACKED, POOL_MAX_ROUTES, POOL_NAMES, POOL_SLOW_ACQUIRE,
      VTHREAD_ENABLED, VTHREAD_PINS,
      PLUMBING_TRACKED, RULES, JMX_ENABLED, CONTROL_ENABLED);

  private Settings() {}
}
