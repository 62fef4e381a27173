package dev.spillway.agent;

import dev.spillway.agent.config.Settings;
import dev.spillway.agent.config.SpillwayConfig;
import dev.spillway.agent.control.ControlServer;
import dev.spillway.agent.executor.ExecutorFamily;
import dev.spillway.agent.install.AgentInstaller;
import dev.spillway.agent.install.JdkWeaver;
import dev.spillway.agent.install.LazyWeaver;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.install.WovenMethod;
import dev.spillway.agent.jmx.Jmx;
import dev.spillway.agent.launch.AgentEntry;
import dev.spillway.agent.launch.Launcher;
import dev.spillway.agent.launch.WeavingGate;
import dev.spillway.agent.pool.PoolFamily;
import dev.spillway.agent.queue.QueueFamily;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.shedding.RuleSet;
import dev.spillway.agent.shedding.RuleWatcher;
import dev.spillway.agent.shedding.Rules;
import dev.spillway.agent.shedding.ShedMetrics;
import dev.spillway.agent.status.AgentMXBean;
import dev.spillway.agent.status.TargetStatus;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.agent.trace.EventBudget;
import dev.spillway.agent.util.JavaBase;
import dev.spillway.agent.util.Printable;
import dev.spillway.agent.vthread.VirtualThreadFamily;
import dev.spillway.bootstrap.AgentState;
import dev.spillway.bootstrap.AgentThreads;
import java.io.File;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The running agent, inside the isolated class loader. Started once per JVM by the launcher; a
 * second start (another attach) reconfigures this one instead, and {@link #detach} undoes it all.
 *
 * <p>Start-up order: settings, the hooks and the rules, the JDK's bytecode (under {@code -javaagent}
 * by the {@code JdkWeaver}: the JDK classes the gate held go on, rewritten), Byte Buddy's (the
 * libraries' classes; everything after an attach or a background start; built by the first class
 * it rewrites, see {@code LazyWeaver}), and then, the
 * application running meanwhile, the SDK, which receives what was measured before it. Any failure leaves the application running as it was, with one line saying
 * what went wrong.
 *
 * <p>The command line learns what happened in a JVM it attached to from the system property
 * {@value #ATTACH_RESULT}: the only channel back through the attach mechanism.
 */
public final class Agent implements AgentMXBean {

  /** Set while the agent runs, to its version: how {@code spillway list} tells it is there. */
  public static final String VERSION_PROPERTY = "spillway.agent.version";
  /** One line about the last start or attach: "started: ..." or "failed: ...". */
  public static final String ATTACH_RESULT = "spillway.attach.result";
  public static final String OBJECT_NAME = "dev.spillway:type=Agent";

  /** How long the exit flush may delay the JVM's exit, with the collector dead or hung. */
  private static final Duration EXIT_FLUSH = Duration.ofSeconds(1);

  private final SpillwayConfig config;
  private final Instrumentation inst;
  private final Housekeeper housekeeper = new Housekeeper("spillway-housekeeper");
  /** Reads the rules file on a thread of its own: a slow file system delays only rule changes. */
  private final Housekeeper ruleReader = new Housekeeper("spillway-rules-file");
  private final RuleEngine rules = new RuleEngine();
  private final Jmx jmx = new Jmx();
  private final List<Family> families = new ArrayList<>();
  /** Byte Buddy's side, made when first needed; null when no family is on. */
  private LazyWeaver weaver;
  private final Consumer<String> control = this::reconfigure;
  private final long startedAtMillis = System.currentTimeMillis();
  private volatile RuleWatcher watcher;
  private volatile ControlServer controlServer;
  private Telemetry telemetry = Telemetry.noop();
  private final WeavingGate gate;
  private Thread shutdownHook;
  private boolean detached;

  private Agent(SpillwayConfig config, Instrumentation inst, WeavingGate gate) {
    this.config = config;
    this.inst = inst;
    this.gate = gate;
  }

  /** The launcher's way in ({@link AgentEntry}): handed over as this class initializes. */
  static final class Entry implements AgentEntry {
    static {
      Launcher.handOver(new Entry());
    }

    @Override
    public void start(String args, Instrumentation inst, File jar, boolean attached, WeavingGate gate) {
      Agent.start(args, inst, jar, attached, gate);
    }
  }

  /**
   * Called by the launcher (through {@link Entry}, or by reflection from another version's
   * launcher), with the {@link WeavingGate} it registered, which this agent opens (or closes, if it
   * does not start). Never throws.
   */
  public static void start(String args, Instrumentation inst, File jar, boolean attached, WeavingGate gate) {
    long started = System.nanoTime();
    boolean owned = false;
    try {
      SpillwayConfig config = SpillwayConfig.load(args);
      if (!config.get(Settings.ENABLED)) {
        AgentLog.setLevel(config.get(Settings.LOG_LEVEL));
        config.problems().forEach(AgentLog::warn);
        AgentLog.info("disabled (spillway.enabled=false)");
        System.setProperty(ATTACH_RESULT, "not started: spillway.enabled=false");
        return;
      }
      Agent agent = new Agent(config, inst, gate);
      if (!AgentState.claim(agent.control)) {
        // Already running: that agent reads the arguments and reports their problems itself.
        AgentState.running().accept(args == null ? "" : args);
        return;
      }
      owned = true;
      AgentLog.setLevel(config.get(Settings.LOG_LEVEL));
      config.problems().forEach(AgentLog::warn);
      agent.run(started, attached);
    } catch (Throwable t) {
      AgentLog.error("agent not started", t);
      System.setProperty(ATTACH_RESULT, "failed: " + t);
    } finally {
      if (!owned) {
        gate.close(inst);
      }
    }
  }

  private void run(long started, boolean attached) {
    Telemetry early = Telemetry.early();
    WorkQueues workQueues = WorkQueues.NONE;
    if (config.get(Settings.QUEUE_ENABLED)) {
      QueueFamily queues = new QueueFamily(config, early);
      families.add(queues);
      workQueues = queues;
    }
    if (config.get(Settings.EXECUTOR_ENABLED)) {
      families.add(0, new ExecutorFamily(config, workQueues, early, attached));
    }
    if (config.get(Settings.POOL_ENABLED)) {
      families.add(new PoolFamily(config, early));
    }
    if (VirtualThreadFamily.supported() && config.get(Settings.VTHREAD_ENABLED)) {
      families.add(new VirtualThreadFamily(config.get(Settings.VTHREAD_PINS)));
    }
    // Tracking and rules first: what the SDK creates below is then seen being built on an agent
    // thread and ignored, and the classes the gate holds are woven with the rules in force.
    List<String> names = new ArrayList<>();
    for (Family family : families) {
      family.enforce(rules);
      family.start();
      housekeeper.add(family::housekeeping);
      names.add(family.name());
    }
    housekeeper.add(EventBudget::nextSecond);
    watchRules(config.get(Settings.RULES));
    ruleReader.add(() -> {
      RuleWatcher current = watcher;
      if (current != null) {
        current.check();
      }
    });
    JdkWeaver jdk = attached || config.get(Settings.STARTUP) == Settings.StartupMode.BACKGROUND
        ? null : jdkWeaver();
    if (jdk != null) {
      // Hooks and rules are in place: the JDK's classes go on now, Byte Buddy is built after.
      Set<String> answered = new HashSet<>(jdk.typeNames());
      for (Family family : families) {
        answered.addAll(family.unchangedAtLoad());
      }
      gate.openEarly(jdk, answered);
      AgentLog.debug("JDK classes released " + (System.nanoTime() - started) / 1_000_000 + " ms after the start");
      StartAllocations.log("at the release");
    }
    if (families.isEmpty()) {
      gate.close(inst);
    } else {
      // Byte Buddy and the families' advice are made for the first class they rewrite: under
      // -javaagent, often never.
      weaver = new LazyWeaver(this::instrumentations);
      if (jdk == null || libraryOnClassPath()) {
        // Attached or in the background, everything goes through Byte Buddy; a library on the
        // class path will likely need it. Built here, then, on the agent's thread, while the
        // application starts, before any class can come through the gate.
        weaver.weaver();
      }
      // Told before the gate opens (no class then loads past its choice) and after (the gate may
      // have let a class through meanwhile, late or in background start-up).
      for (Family family : families) {
        family.loadedUnwoven(gate.unwoven());
      }
      gate.open(weaver);
      Set<String> before = gate.unwoven();
      for (Family family : families) {
        family.loadedUnwoven(before);
      }
      AgentInstaller.retransformUnwoven(inst, gate, weaver);
      for (Family family : families) {
        family.discover(inst, before);
      }
      AgentLog.debug("bytecode in place " + (System.nanoTime() - started) / 1_000_000 + " ms after the start");
      StartAllocations.log("with the bytecode in place");
    }
    AgentState.instrumented();
    // Before the SDK: sampling rates adapt from the first second (until then every task is
    // timed), and gone targets are released.
    housekeeper.start();
    if (jdk != null) {
      // Off the application's threads: the JDK classes it has not loaded yet. Only now: right
      // after the release it would take the CPU from the application's own first loads.
      AgentInstaller.weaveAhead(jdk, gate, jdk.typeNames());
    } else if (weaver != null) {
      Set<String> rewritten = new HashSet<>();
      for (TypeInstrumentation instrumentation : weaver.instrumentations()) {
        rewritten.addAll(instrumentation.typeNames());
      }
      AgentInstaller.weaveAhead(weaver, gate, rewritten);
    }
    shutdownHook = AgentThreads.newThread(this::shutdown, "spillway-shutdown");
    try {
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } catch (IllegalStateException exiting) {
      // The JVM exits before the agent finished starting: a normal end for a short program.
      AgentLog.debug("the JVM exits while the agent starts; not starting export");
      return;
    }
    StartAllocations.log("before the SDK");
    telemetry = Telemetry.start(config, early);
    for (Family family : families) {
      family.report(telemetry);
    }
    ShedMetrics.register(telemetry.meter("rules"), rules);
    Rules rulesBean = new Rules(rules);
    if (config.get(Settings.JMX_ENABLED)) {
      jmx.register(Rules.OBJECT_NAME, rulesBean);
      jmx.register(OBJECT_NAME, this);
      housekeeper.add(jmx::registerIfServerUp);
    }
    if (config.get(Settings.CONTROL_ENABLED)) {
      controlServer = ControlServer.open(this, rulesBean);
    }
    ruleReader.start();
    String summary = "tracking " + (names.isEmpty() ? "nothing" : String.join(", ", names)) + "; "
        + telemetry.description();
    System.setProperty(VERSION_PROPERTY, Version.VERSION);
    System.setProperty(ATTACH_RESULT, "started " + Version.VERSION + ": " + summary);
    AgentLog.info(Version.VERSION + " started in " + (System.nanoTime() - started) / 1_000_000 + " ms"
        + (attached ? " (attached)" : "") + ": " + summary);
    StartAllocations.log("once started");
  }

  /**
   * Launchers that load the application from nested jars or class loaders of their own, where
   * the libraries cannot be looked for: Spring Boot's (3.2 and before), Tomcat's, Jetty's, JBoss
   * Modules' (WildFly), Quarkus's.
   */
  private static final List<String> LAUNCHERS = List.of("org.springframework.boot.loader.launch.JarLauncher",
      "org.springframework.boot.loader.JarLauncher", "org.apache.catalina.startup.Bootstrap",
      "org.eclipse.jetty.start.Main", "org.jboss.modules.Main", "io.quarkus.bootstrap.runner.QuarkusEntryPoint");

  /**
   * Whether a library class that Byte Buddy rewrites is on the application's class path, or a
   * launcher that hides the libraries (then one likely is there). Otherwise (a library in another
   * class loader) Byte Buddy is built when the first of them loads.
   */
  private boolean libraryOnClassPath() {
    try {
      List<String> names = new ArrayList<>(LAUNCHERS);
      names.addAll(gate.typeNames());
      for (String name : names) {
        if (!name.startsWith("java.") && ClassLoader.getSystemResource(name.replace('.', '/') + ".class") != null) {
          return true;
        }
      }
    } catch (RuntimeException e) {
      AgentLog.debug("could not look for libraries on the class path", e);
    }
    return false;
  }

  /** What the families rewrite with Byte Buddy, and how: its advice is built here. */
  private List<TypeInstrumentation> instrumentations() {
    List<TypeInstrumentation> all = new ArrayList<>();
    for (Family family : families) {
      all.add(family.instrumentation());
    }
    return all;
  }

  /**
   * The weaver of the JDK's classes that the families rewrite at their first load (see
   * {@link JdkWeaver}); null for none.
   */
  private JdkWeaver jdkWeaver() {
    List<WovenMethod> methods = new ArrayList<>();
    for (Family family : families) {
      methods.addAll(family.rewrittenAtLoad());
    }
    if (methods.isEmpty()) {
      return null;
    }
    // The woven queues carry a mark the agent sets by reflection (UnobservedMark).
    JavaBase.openToAgent(inst, "java.util.concurrent");
    return new JdkWeaver(methods, name -> {
      for (Family family : families) {
        family.rewritten(name);
      }
    });
  }

  /** Watches {@code file} for rules from now on, instead of any file before; empty: none. */
  private void watchRules(String file) {
    if (file.isEmpty()) {
      watcher = null;
      return;
    }
    RuleWatcher next;
    try {
      next = new RuleWatcher(Path.of(file), rules);
    } catch (InvalidPathException e) {
      AgentLog.warn("spillway.rules=" + Printable.clip(file, 200) + " is not a usable path (" + e.getReason()
          + "): no rules file watched");
      watcher = null;
      return;
    }
    // Bounded (see RuleLimits) and never throws: the agent starts, with no rules if need be.
    next.check();
    watcher = next;
  }

  /**
   * A second attach: applies what can change while running (the rules file, the log level) and
   * says what needs a restart. Never instruments again.
   */
  private synchronized void reconfigure(String args) {
    if (detached) {
      return;
    }
    SpillwayConfig update = SpillwayConfig.load(args, new java.util.Properties(), java.util.Map.of());
    List<String> applied = new ArrayList<>();
    List<String> ignored = new ArrayList<>(update.problems());
    for (String key : update.explicitKeys()) {
      if (key.equals(Settings.RULES.key())) {
        String file = update.get(Settings.RULES);
        watchRules(file);
        if (file.isEmpty()) {
          rules.apply(RuleSet.EMPTY);
        }
        applied.add(key + "=" + file);
      } else if (key.equals(Settings.LOG_LEVEL.key())) {
        AgentLog.setLevel(update.get(Settings.LOG_LEVEL));
        applied.add(key + "=" + update.get(Settings.LOG_LEVEL).name().toLowerCase(java.util.Locale.ROOT));
      } else {
        ignored.add(key + " (needs a restart)");
      }
    }
    String message = "already running, not instrumenting again"
        + (applied.isEmpty() ? "" : "; applied " + String.join(", ", applied))
        + (ignored.isEmpty() ? "" : "; not applied: " + String.join("; ", ignored));
    System.setProperty(ATTACH_RESULT, message);
    AgentLog.info(message);
  }

  @Override
  public String getVersion() {
    return Version.VERSION;
  }

  @Override
  public long getStartedAtMillis() {
    return startedAtMillis;
  }

  @Override
  public List<TargetStatus> getTargets() {
    List<TargetStatus> rows = new ArrayList<>();
    for (Family family : families) {
      try {
        rows.addAll(family.status());
      } catch (Throwable t) {
        AgentLog.debug("status of " + family.name() + " failed", t);
      }
    }
    rows = TargetStatus.summedBySeries(rows);
    rows.sort(Comparator.comparingDouble(TargetStatus::saturation).reversed()
        .thenComparing(TargetStatus::getKind).thenComparing(TargetStatus::getName));
    return rows;
  }

  @Override
  public synchronized String detach() {
    if (detached) {
      return "already detached";
    }
    detached = true;
    for (Family family : families) {
      family.stop();
    }
    gate.close(inst);
    boolean restored = weaver == null || AgentInstaller.restore(inst, gate, weaver) == 0;
    housekeeper.stop();
    ruleReader.stop();
    rules.stop();
    telemetry.shutdown(EXIT_FLUSH);
    Telemetry.releaseSenderThreads();
    jmx.unregisterAll();
    closeControl();
    try {
      if (shutdownHook != null) {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      }
    } catch (IllegalStateException exiting) {
      // the JVM is already shutting down
    }
    System.clearProperty(VERSION_PROPERTY);
    System.setProperty(ATTACH_RESULT, "detached");
    AgentState.release(control);
    String message = "detached: " + (restored ? "classes restored to their original bytecode"
        : "some classes could not be restored (see above)") + ", export stopped";
    AgentLog.info(message);
    return message;
  }

  private void shutdown() {
    long started = System.nanoTime();
    StartAllocations.log("at exit");
    housekeeper.stop();
    ruleReader.stop();
    rules.stop();
    closeControl();
    telemetry.shutdown(EXIT_FLUSH);
    AgentLog.debug("exit flush took " + (System.nanoTime() - started) / 1_000_000 + " ms");
  }

  private void closeControl() {
    ControlServer server = controlServer;
    if (server != null) {
      server.close();
    }
  }
}
