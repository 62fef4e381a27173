package dev.spillway.agent.telemetry;

import java.util.List;

/** Histogram bucket boundaries shared by Spillway's duration histograms. */
public final class Buckets {

  /**
   * Seconds, from 10 µs (a hand-off) to a minute (a sick queue): waits and run times of tasks,
   * items and connections. The OpenTelemetry defaults (0 to 10000) suit milliseconds, not seconds.
   */
  public static final List<Double> DURATIONS = List.of(
      0.00001, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
      5.0, 10.0, 30.0, 60.0);

  private Buckets() {}
}
