package dev.spillway.agent.testing;

import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for the garbage collector to do something observable. Collection and reference
 * enqueueing happen when they happen: each round asks for a collection and then checks the
 * condition, until it holds or the time is up. No sleeps; {@code System.gc()} itself is the pause.
 */
public final class Gc {

  public static final Duration TIMEOUT = Duration.ofSeconds(10);

  private Gc() {}

  /** Calls {@code System.gc()} and then {@code condition} until it holds; fails after 10 s. */
  public static void until(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        fail("not seen within " + TIMEOUT.toSeconds() + " s of System.gc() calls: " + what);
      }
      System.gc();
    }
  }
}
