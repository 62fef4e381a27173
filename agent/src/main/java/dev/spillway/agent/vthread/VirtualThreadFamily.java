package dev.spillway.agent.vthread;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.Family;
import dev.spillway.agent.install.TypeInstrumentation;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.status.TargetStatus;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.bootstrap.VirtualThreadHooks;
import java.util.List;

/**
 * Virtual threads (JDK 21+), wired when {@code spillway.vthread.enabled} (off by default: the
 * counting measured about +40 ns a thread, the JFR stream +35 ns more; see the README's Overhead): started and alive counted in {@code java.lang.VirtualThread}
 * ({@link VirtualThreadInstrumentation}), pins counted from JFR ({@link PinnedEvents}) once the
 * first virtual thread is seen. Their scheduler is an executor series of its own
 * ({@code virtual-thread-scheduler}, see {@code executor/forkjoin}). Nothing to shed: a virtual
 * thread has no queue of its own to refuse at.
 */
public final class VirtualThreadFamily implements Family {

  private final boolean countPins;
  private final PinnedEvents pinned = new PinnedEvents();

  /** @param countPins whether to start the JFR stream of pins (see {@link PinnedEvents}) */
  public VirtualThreadFamily(boolean countPins) {
    this.countPins = countPins;
  }

  /**
   * Whether this JVM has virtual threads; on an older one, says so in one debug line (asked
   * whether or not the family is enabled: the scheduler series depends on it too).
   */
  public static boolean supported() {
    int feature = Runtime.version().feature();
    if (feature < 21) {
      AgentLog.debug("no virtual threads on JDK " + feature
          + ": no virtual-thread-scheduler series, no jvm.thread.virtual.* metrics");
      return false;
    }
    return true;
  }

  @Override
  public String name() {
    return "virtual threads";
  }

  @Override
  public TypeInstrumentation instrumentation() {
    return new VirtualThreadInstrumentation();
  }

  @Override
  public void enforce(RuleEngine rules) {
  }

  @Override
  public void start() {
  }

  @Override
  public void report(Telemetry telemetry) {
    VirtualThreadMetrics.register(telemetry.meter("vthread"), pinned);
  }

  /** Starts counting pins once a virtual thread has been seen: an application without any pays nothing. */
  @Override
  public void housekeeping() {
    if (countPins && VirtualThreadHooks.startedCount() > 0) {
      pinned.start();
    }
  }

  @Override
  public List<TargetStatus> status() {
    return List.of();
  }

  @Override
  public void stop() {
    pinned.close();
  }
}
