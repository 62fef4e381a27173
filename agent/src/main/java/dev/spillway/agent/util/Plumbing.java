package dev.spillway.agent.util;

import java.lang.StackWalker.StackFrame;

/**
 * Executors, queues and pools that are someone else's plumbing, not the application's: those of
 * other Java agents (the OpenTelemetry agent's exporter threads {@code OkHttp TaskRunner},
 * {@code PeriodicMetricReader}, {@code okhttp-dispatch}, its {@code BatchSpanProcessor} queues),
 * of the JDK's management plumbing (the JMX connector's {@code RMI Scheduler(0)}) and of logging
 * bootstrap (slf4j's {@code SubstituteLoggerFactory.eventQueue}). They are not tracked unless
 * {@code spillway.plumbing.tracked} is true: an operator cannot act on them, and they crowd the
 * application's series.
 *
 * <p>A class is plumbing when its name says so (below), or when an agent's own class loader
 * defined it: the OpenTelemetry agent's {@code AgentClassLoader}, Spillway's, or any loader of a
 * known agent's packages. Checked once per object, when it is first seen.
 */
public final class Plumbing {

  /**
   * The OpenTelemetry agent's package, spelled so that the build's relocation of
   * {@code io.opentelemetry} (which rewrites matching string constants too) leaves it alone.
   */
  private static final String OTEL_AGENT = String.join(".", "io", "opentelemetry", "javaagent") + ".";
  /** Packages of other agents' code, and of management and logging-bootstrap plumbing. */
  private static final String[] PACKAGES = {
      OTEL_AGENT, "datadog.trace.", "com.datadog.", "co.elastic.apm.agent.",
      "com.newrelic.agent.", "org.apache.skywalking.apm.agent.", "com.dynatrace.", "com.appdynamics.",
      "sun.rmi.", "java.rmi.", "javax.management.", "com.sun.jmx.", "sun.management.",
      "jdk.internal.agent.", "com.sun.management.",
      "org.slf4j.helpers.SubstituteLogger"};
  /** Class loaders of agents: the class loader's own class name starts with one of these. */
  private static final String[] AGENT_LOADERS = {
      OTEL_AGENT, "datadog.trace.", "co.elastic.apm.agent.", "com.newrelic.",
      "org.apache.skywalking.apm.agent.", "dev.spillway.agent.launch."};

  private static volatile boolean tracked;

  private Plumbing() {}

  /** From {@code spillway.plumbing.tracked}: true tracks plumbing like anything else. */
  public static void track(boolean track) {
    tracked = track;
  }

  /** Whether objects of this class, or built by code of this class, are to be left alone. */
  public static boolean ignored(Class<?> type) {
    return !tracked && type != null && isPlumbing(type);
  }

  /** As {@link #ignored(Class)}, for the code of a stack frame (null: nothing known). */
  public static boolean ignored(StackFrame frame) {
    return frame != null && ignored(frame.getDeclaringClass());
  }

  static boolean isPlumbing(Class<?> type) {
    if (CallSites.startsWithAny(type.getName(), PACKAGES)) {
      return true;
    }
    for (ClassLoader loader = type.getClassLoader(); loader != null; loader = loader.getParent()) {
      if (CallSites.startsWithAny(loader.getClass().getName(), AGENT_LOADERS)) {
        return true;
      }
    }
    return false;
  }
}
