package dev.spillway.agent.config;

import java.math.BigDecimal;
import java.time.Duration;

/** Parses durations as people write them: {@code 250ms}, {@code 5s}, {@code 2m}, {@code 100us}. */
public final class Durations {

  private Durations() {}

  public static Duration parse(String raw) {
    String text = raw.trim();
    int unitStart = 0;
    while (unitStart < text.length()
        && (Character.isDigit(text.charAt(unitStart)) || text.charAt(unitStart) == '.')) {
      unitStart++;
    }
    if (unitStart == 0) {
      throw new IllegalArgumentException("not a duration (write it like 250ms, 5s or 2m)");
    }
    double amount;
    try {
      amount = Double.parseDouble(text.substring(0, unitStart));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a duration (write it like 250ms, 5s or 2m)");
    }
    double nanosPerUnit;
    switch (text.substring(unitStart).trim()) {
      case "ns": nanosPerUnit = 1; break;
      case "us": case "µs": nanosPerUnit = 1e3; break;
      case "ms": nanosPerUnit = 1e6; break;
      case "s": nanosPerUnit = 1e9; break;
      case "m": nanosPerUnit = 60e9; break;
      case "h": nanosPerUnit = 3600e9; break;
      default:
        throw new IllegalArgumentException("unknown or missing unit (use ns, us, ms, s, m or h)");
    }
    return Duration.ofNanos(Math.round(amount * nanosPerUnit));
  }

  /** The shortest exact spelling: 5ms, 1.5s, 250us. */
  public static String format(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos != 0 && nanos % 60_000_000_000L == 0) {
      return nanos / 60_000_000_000L + "m";
    }
    if (nanos >= 1_000_000_000L) {
      return decimal(nanos, 9) + "s";
    }
    if (nanos >= 1_000_000L) {
      return decimal(nanos, 6) + "ms";
    }
    if (nanos >= 1_000L) {
      return decimal(nanos, 3) + "us";
    }
    return nanos + "ns";
  }

  /** {@code nanos / 10^scale}, exactly and never in exponent notation. */
  private static String decimal(long nanos, int scale) {
    return BigDecimal.valueOf(nanos, scale).stripTrailingZeros().toPlainString();
  }
}
