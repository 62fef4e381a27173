package dev.spillway.agent;

import dev.spillway.agent.config.Settings;
import dev.spillway.agent.config.SpillwayConfig;
import dev.spillway.agent.executor.ExecutorTracking;
import dev.spillway.agent.install.AgentInstaller;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.jmx.Jmx;
import dev.spillway.agent.pool.PoolTracking;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.shedding.RuleWatcher;
import dev.spillway.agent.shedding.Rules;
import dev.spillway.agent.shedding.ShedMetrics;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.bootstrap.AgentState;
import dev.spillway.bootstrap.AgentThreads;
import java.io.File;
import java.lang.instrument.Instrumentation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;

/**
 * The running agent, inside the isolated class loader. Started once per JVM by the launcher; a
 * second start (another attach) reconfigures this one instead.
 *
 * <p>Start-up order: settings, the hooks, the bytecode, and then the SDK, which starts recording.
 * Any failure leaves the application running as it was, with one line saying what went wrong.
 */
public final class Agent {

  /** How long the exit flush may delay the JVM's exit. */
  private static final Duration EXIT_FLUSH = Duration.ofSeconds(2);

  private final SpillwayConfig config;
  private final Instrumentation inst;
  private final Housekeeper housekeeper = new Housekeeper();
  private final RuleEngine rules = new RuleEngine();
  private final Jmx jmx = new Jmx();
  private final List<Family> families = new ArrayList<>();
  private Telemetry telemetry = Telemetry.noop();
  private ResettableClassFileTransformer transformer;

  private Agent(SpillwayConfig config, Instrumentation inst) {
    this.config = config;
    this.inst = inst;
  }

  /** Called by the launcher through reflection. Never throws. */
  public static void start(String args, Instrumentation inst, File jar, boolean attached) {
    long started = System.nanoTime();
    try {
      SpillwayConfig config = SpillwayConfig.load(args);
      AgentLog.setLevel(config.get(Settings.LOG_LEVEL));
      config.problems().forEach(AgentLog::warn);
      if (!config.get(Settings.ENABLED)) {
        AgentLog.info("disabled (spillway.enabled=false)");
        return;
      }
      Agent agent = new Agent(config, inst);
      if (!AgentState.claim(agent::reconfigure)) {
        AgentState.running().accept(args == null ? "" : args);
        return;
      }
      agent.run(started, attached);
    } catch (Throwable t) {
      AgentLog.error("agent not started", t);
    }
  }

  private void run(long started, boolean attached) {
    if (config.get(Settings.EXECUTOR_ENABLED)) {
      families.add(new ExecutorTracking(config));
    }
    if (config.get(Settings.POOL_ENABLED)) {
      families.add(new PoolTracking(config));
    }
    // Tracking first: what the SDK creates below is then seen being built on an agent thread and
    // ignored, and nothing the application creates meanwhile is missed.
    List<TypeInstrumentation> instrumentations = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (Family family : families) {
      family.enforce(rules);
      family.start();
      instrumentations.add(family.instrumentation());
      housekeeper.add(family::housekeeping);
      names.add(family.name());
    }
    String rulesFile = config.get(Settings.RULES);
    if (!rulesFile.isEmpty()) {
      RuleWatcher watcher = new RuleWatcher(Path.of(rulesFile), rules);
      watcher.check();
      housekeeper.add(watcher::check);
    }
    if (!instrumentations.isEmpty()) {
      transformer = AgentInstaller.install(inst, instrumentations);
    }
    telemetry = Telemetry.start(config);
    for (Family family : families) {
      family.report(telemetry);
    }
    ShedMetrics.register(telemetry.meter("rules"), rules);
    if (config.get(Settings.JMX_ENABLED)) {
      jmx.register(Rules.OBJECT_NAME, new Rules(rules));
    }
    housekeeper.start();
    Runtime.getRuntime().addShutdownHook(AgentThreads.newThread(this::shutdown, "spillway-shutdown"));
    AgentLog.info(Version.VERSION + " started in " + (System.nanoTime() - started) / 1_000_000 + " ms"
        + (attached ? " (attached)" : "") + ": tracking "
        + (names.isEmpty() ? "nothing" : String.join(", ", names)) + "; " + telemetry.description());
  }

  private void reconfigure(String args) {
    AgentLog.info("already running in this JVM: not instrumenting again");
  }

  private void shutdown() {
    housekeeper.stop();
    rules.stop();
    telemetry.shutdown(EXIT_FLUSH);
  }
}
