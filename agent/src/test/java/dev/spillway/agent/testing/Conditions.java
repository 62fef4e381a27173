package dev.spillway.agent.testing;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition another thread makes true, without sleeping: it yields between checks. */
public final class Conditions {

  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Conditions() {}

  /** Returns once {@code condition} holds; fails after 10 s. */
  public static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("not true within " + TIMEOUT.toSeconds() + " s: " + what);
      }
      Thread.yield();
    }
  }
}
