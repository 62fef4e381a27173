package dev.spillway.agent.shedding;

import dev.spillway.agent.config.Durations;
import java.time.Duration;

/**
 * Controlled delay, after "Fail at Scale" (ACM Queue, 2015) and CoDel: shed new work while the
 * queue has not been below {@code target} wait for a whole {@code interval}. A short burst passes;
 * a standing queue does not. See {@link CoDel} for the state machine.
 */
public final class WaitCondition extends Condition {

  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

  private final Duration target;
  private final Duration interval;

  public WaitCondition(Duration target, Duration interval) {
    this.target = target;
    this.interval = interval;
  }

  public Duration target() {
    return target;
  }

  public Duration interval() {
    return interval;
  }

  @Override
  public String key() {
    return "wait";
  }

  @Override
  public String describe() {
    return "{ target: " + Durations.format(target) + ", interval: " + Durations.format(interval) + " }";
  }
}
