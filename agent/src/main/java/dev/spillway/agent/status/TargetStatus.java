package dev.spillway.agent.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.management.openmbean.CompositeData;

/**
 * One tracked executor, queue or pool as {@code spillway status} shows it, and as the
 * {@code dev.spillway:type=Agent} MBean exposes it (an MXBean maps it to open types, so JConsole
 * and JMX exporters read it too). Counts are since the agent started; -1 means not known or not
 * applicable.
 */
public final class TargetStatus {

  private final String kind;
  private final String name;
  private final String type;
  private final long depth;
  private final long capacity;
  private final long active;
  private final long max;
  private final long rejected;
  private final long shed;
  private final long completed;
  private final long waitP99Nanos;
  private final String rules;

  /**
   * @param depth items waiting: queued tasks or items, or connection requests waiting
   * @param active threads running tasks, or connections in use
   * @param max most threads or connections; -1 when unbounded
   * @param rejected refused by the target itself or by a rule, or (pools) acquires that timed out
   * @param completed tasks run, items taken, or connections handed out; for rates
   * @param rules the rules shedding on this target now, comma-separated, or empty
   */
  public TargetStatus(String kind, String name, String type, long depth, long capacity, long active, long max,
      long rejected, long shed, long completed, long waitP99Nanos, String rules) {
    this.kind = kind;
    this.name = name;
    this.type = type;
    this.depth = depth;
    this.capacity = capacity;
    this.active = active;
    this.max = max;
    this.rejected = rejected;
    this.shed = shed;
    this.completed = completed;
    this.waitP99Nanos = waitP99Nanos;
    this.rules = rules == null ? "" : rules;
  }

  /** This row with other limits: {@code max} threads or connections, {@code capacity} queued (-1: unbounded). */
  public TargetStatus withLimits(long max, long capacity) {
    return new TargetStatus(kind, name, type, depth, capacity, active, max, rejected, shed, completed,
        waitP99Nanos, rules);
  }

  /** How an MXBean client rebuilds a row from its open-type form. */
  public static TargetStatus from(CompositeData data) {
    return new TargetStatus((String) data.get("kind"), (String) data.get("name"), (String) data.get("type"),
        (Long) data.get("depth"), (Long) data.get("capacity"), (Long) data.get("active"), (Long) data.get("max"),
        (Long) data.get("rejected"), (Long) data.get("shed"), (Long) data.get("completed"),
        (Long) data.get("waitP99Nanos"), (String) data.get("rules"));
  }

  public String getKind() {
    return kind;
  }

  public String getName() {
    return name;
  }

  public String getType() {
    return type;
  }

  public long getDepth() {
    return depth;
  }

  public long getCapacity() {
    return capacity;
  }

  public long getActive() {
    return active;
  }

  public long getMax() {
    return max;
  }

  public long getRejected() {
    return rejected;
  }

  public long getShed() {
    return shed;
  }

  public long getCompleted() {
    return completed;
  }

  public long getWaitP99Nanos() {
    return waitP99Nanos;
  }

  public String getRules() {
    return rules;
  }

  /** The name every target past its family's cap reports under, metrics and status alike. */
  public static final String OVERFLOW = "_overflow";

  /**
   * The rows as shown: one per series, as the metrics are. Targets that share a series are summed:
   * those past a family's cap ({@link #OVERFLOW}), thousands of which would otherwise bury the
   * rest, and the executors of one thread factory (a Reactor scheduler's workers).
   */
  public static List<TargetStatus> summedBySeries(List<TargetStatus> rows) {
    Map<String, TargetStatus> shown = new LinkedHashMap<>();
    for (TargetStatus row : rows) {
      shown.merge(row.kind + '\0' + row.name, row, TargetStatus::plus);
    }
    return new ArrayList<>(shown.values());
  }

  /** Two rows of one kind as one: sums, unknown (-1) when either is; the longer p99; a mixed type is {@link #OVERFLOW}. */
  private TargetStatus plus(TargetStatus other) {
    String combinedRules = rules.isEmpty() ? other.rules
        : other.rules.isEmpty() || rules.equals(other.rules) ? rules : rules + "," + other.rules;
    return new TargetStatus(kind, name, type.equals(other.type) ? type : OVERFLOW,
        sum(depth, other.depth), sum(capacity, other.capacity), sum(active, other.active), sum(max, other.max),
        sum(rejected, other.rejected), sum(shed, other.shed), sum(completed, other.completed),
        Math.max(waitP99Nanos, other.waitP99Nanos), combinedRules);
  }

  private static long sum(long a, long b) {
    return a < 0 || b < 0 ? -1 : a + b;
  }

  /**
   * How full it is, 0 to 1 (more when requests wait for a full pool): the larger of depth over
   * capacity and active over max; -1 when neither is known. Rows sort by it, fullest first.
   */
  public double saturation() {
    double queue = capacity > 0 ? (double) depth / capacity : -1;
    double workers = max > 0 && active >= 0 ? (double) active / max : -1;
    if (max > 0 && capacity < 0 && depth > 0 && "pool".equals(kind)) {
      workers = (double) (active + depth) / max;
    }
    return Math.max(queue, workers);
  }
}
