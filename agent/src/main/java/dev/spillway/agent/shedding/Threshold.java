package dev.spillway.agent.shedding;

import java.util.Locale;

/** A comparison of an instantaneous signal with a number: {@code queue.utilization: ">= 0.8"}. */
public final class Threshold extends Condition {

  /** What is compared. */
  public enum Signal {
    /** Items waiting in the queue. */
    QUEUE_SIZE("queue.size"),
    /** Queue size over capacity, 0 to 1; bounded queues only. */
    QUEUE_UTILIZATION("queue.utilization"),
    /** Connection requests waiting for a pool. */
    PENDING("pending");

    final String key;

    Signal(String key) {
      this.key = key;
    }
  }

  /** How it is compared. */
  public enum Op {
    GE(">="), GT(">"), LE("<="), LT("<"), EQ("==");

    final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    boolean test(double observed, double limit) {
      switch (this) {
        case GE: return observed >= limit;
        case GT: return observed > limit;
        case LE: return observed <= limit;
        case LT: return observed < limit;
        default: return observed == limit;
      }
    }
  }

  private final Signal signal;
  private final Op op;
  private final double limit;

  public Threshold(Signal signal, Op op, double limit) {
    this.signal = signal;
    this.op = op;
    this.limit = limit;
  }

  public Signal signal() {
    return signal;
  }

  /** Whether an observed value satisfies the condition. */
  public boolean test(double observed) {
    return op.test(observed, limit);
  }

  @Override
  public String key() {
    return signal.key;
  }

  @Override
  public String describe() {
    return op.symbol + " " + format(limit);
  }

  static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? Long.toString((long) value) : String.format(Locale.ROOT, "%s", value);
  }
}
