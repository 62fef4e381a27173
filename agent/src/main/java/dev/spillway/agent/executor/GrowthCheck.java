package dev.spillway.agent.executor;

import dev.spillway.agent.shedding.Condition;
import dev.spillway.agent.shedding.Mode;
import dev.spillway.agent.shedding.Rule;
import dev.spillway.agent.shedding.Threshold;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * A shedding rule that refuses before a {@code ThreadPoolExecutor}'s queue is full keeps the pool
 * at its core size for good: the JDK adds threads beyond the core only when an offer to the full
 * queue fails, and the rule refuses first. Told once per rule and executor, when the rule binds.
 */
final class GrowthCheck {

  private GrowthCheck() {}

  /**
   * The warning for {@code rule} on this executor, or null when the rule cannot stop it growing:
   * core and maximum equal, a queue unbounded or with no room at all, a dry run, or a condition
   * that holds only once the queue is full.
   */
  static String warning(Rule rule, String name, ThreadPoolExecutor executor, long capacity) {
    int core = executor.getCorePoolSize();
    int max = executor.getMaximumPoolSize();
    if (core >= max || capacity <= 0 || rule.mode() == Mode.DRY_RUN) {
      return null;
    }
    // Would it refuse with the queue one short of full? A wait rule does: it keeps queues short.
    long almostFull = capacity - 1;
    for (Condition condition : rule.when()) {
      if (condition instanceof Threshold) {
        Threshold threshold = (Threshold) condition;
        double observed = threshold.signal() == Threshold.Signal.QUEUE_UTILIZATION
            ? (double) almostFull / capacity : almostFull;
        if (!threshold.test(observed)) {
          return null;
        }
      }
    }
    return "rule '" + rule.name() + "' refuses tasks of executor '" + name + "' before its queue of " + capacity
        + " is full (" + conditions(rule) + "), and a ThreadPoolExecutor adds threads beyond its core size only"
        + " when its queue is full: it will stay at " + core + " of its " + max + " threads while the rule"
        + " sheds. Set the core size to the maximum (allowCoreThreadTimeOut(true) lets idle threads go), or"
        + " let the rule fire only on a full queue";
  }

  private static String conditions(Rule rule) {
    StringBuilder text = new StringBuilder();
    for (Condition condition : rule.when()) {
      text.append(text.length() == 0 ? "" : " and ").append(condition);
    }
    return text.toString();
  }
}
