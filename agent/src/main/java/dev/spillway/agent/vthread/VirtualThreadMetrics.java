package dev.spillway.agent.vthread;

import dev.spillway.bootstrap.VirtualThreadHooks;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;

/**
 * The virtual-thread instruments, Spillway's additions in the style of the OpenTelemetry JVM
 * conventions ({@code jvm.thread.count} counts platform threads only), read at collection:
 * {@code jvm.thread.virtual.count} (alive now), {@code jvm.thread.virtual.started} and
 * {@code jvm.thread.virtual.pins}. Not {@code jvm.thread.virtual.pinned}: the OpenTelemetry Java
 * agent's experimental JFR metrics use that name for a histogram of pin durations.
 */
final class VirtualThreadMetrics {

  static final String COUNT = "jvm.thread.virtual.count";
  static final String STARTED = "jvm.thread.virtual.started";
  static final String PINS = "jvm.thread.virtual.pins";

  private VirtualThreadMetrics() {}

  static void register(Meter meter, PinnedEvents pinned) {
    ObservableLongMeasurement count = meter.upDownCounterBuilder(COUNT).setUnit("{thread}")
        .setDescription("Virtual threads alive: started and not yet ended (those started before the agent"
            + " are not counted).")
        .buildObserver();
    ObservableLongMeasurement started = meter.counterBuilder(STARTED).setUnit("{thread}")
        .setDescription("Virtual threads started since the agent began counting.")
        .buildObserver();
    ObservableLongMeasurement pins = meter.counterBuilder(PINS).setUnit("{pin}")
        .setDescription("Times a virtual thread parked while pinned to its carrier for at least "
            + PinnedEvents.THRESHOLD.toMillis() + " ms (JFR " + PinnedEvents.EVENT + ").")
        .buildObserver();
    meter.batchCallback(() -> {
      long seen = VirtualThreadHooks.startedCount();
      if (seen == 0) {
        return; // none yet (or JDK 17): no series
      }
      started.record(seen, Attributes.empty());
      count.record(VirtualThreadHooks.aliveCount(), Attributes.empty());
      if (pinned.running()) {
        pins.record(pinned.pins(), Attributes.empty());
      }
    }, count, started, pins);
  }
}
