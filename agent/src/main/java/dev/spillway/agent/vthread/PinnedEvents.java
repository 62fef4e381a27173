package dev.spillway.agent.vthread;

import dev.spillway.agent.AgentLog;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordingStream;

/**
 * Counts the JVM's {@code jdk.VirtualThreadPinned} JFR events: a virtual thread that parked (or
 * slept, or blocked) while it could not leave its carrier, for at least the threshold (20 ms, the
 * JDK's default for that event). No other way exists to learn of a pin: the JDK emits it while
 * parking on the carrier, so it costs nothing until a pin that long happens.
 *
 * <p>A JFR recording stream with only this event enabled, started once, when asked: its cost is a
 * JFR recorder in the process (its buffers, a chunk file in the JFR repository rewritten about once
 * a second, and the stream's thread), which is why it starts only on JDK 21+ once a virtual thread
 * has been seen. Pins before it started are not counted. If JFR is missing (a runtime image
 * without {@code jdk.jfr}) or disabled, one debug line says so and nothing is reported.
 */
final class PinnedEvents implements AutoCloseable {

  static final String EVENT = "jdk.VirtualThreadPinned";
  static final Duration THRESHOLD = Duration.ofMillis(20);

  private final LongAdder pins = new LongAdder();
  private volatile RecordingStream stream;
  private boolean tried;

  /** Starts the stream, the first time it is asked only; true if it runs. Housekeeping thread only. */
  boolean start() {
    if (tried) {
      return stream != null;
    }
    tried = true;
    try {
      if (!FlightRecorder.isAvailable()) {
        AgentLog.debug("JFR is not available: virtual-thread pins are not counted");
        return false;
      }
      RecordingStream events = new RecordingStream();
      events.enable(EVENT).withThreshold(THRESHOLD);
      events.setOrdered(false);
      events.onEvent(EVENT, event -> pins.increment());
      events.startAsync();
      stream = events;
      AgentLog.debug("counting virtual-thread pins of " + THRESHOLD.toMillis() + " ms or more (JFR " + EVENT + ")");
      return true;
    } catch (Throwable t) {
      AgentLog.debug("cannot stream JFR " + EVENT + ": virtual-thread pins are not counted: " + t);
      return false;
    }
  }

  /** Whether the stream runs: only then is a pin count reported. */
  boolean running() {
    return stream != null;
  }

  long pins() {
    return pins.sum();
  }

  @Override
  public void close() {
    RecordingStream events = stream;
    stream = null;
    if (events != null) {
      try {
        events.close();
      } catch (Throwable t) {
        AgentLog.debug("closing the JFR stream of virtual-thread pins failed: " + t);
      }
    }
  }
}
