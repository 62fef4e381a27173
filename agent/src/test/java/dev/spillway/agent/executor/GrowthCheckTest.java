package dev.spillway.agent.executor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.agent.shedding.Action;
import dev.spillway.agent.shedding.Condition;
import dev.spillway.agent.shedding.Mode;
import dev.spillway.agent.shedding.Rule;
import dev.spillway.agent.shedding.TargetKind;
import dev.spillway.agent.shedding.Threshold;
import dev.spillway.agent.shedding.Threshold.Op;
import dev.spillway.agent.shedding.Threshold.Signal;
import dev.spillway.agent.shedding.WaitCondition;
import dev.spillway.agent.util.Glob;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GrowthCheckTest {

  private static Rule rule(Mode mode, Condition... when) {
    return new Rule("backlog", TargetKind.EXECUTOR, Glob.of("*"), List.of(when), Action.REJECT, mode);
  }

  private static ThreadPoolExecutor pool(int core, int max) {
    return new ThreadPoolExecutor(core, max, 1, TimeUnit.SECONDS, new LinkedBlockingQueue<>(100));
  }

  @Test
  void aRuleThatRefusesBeforeTheQueueIsFullIsToldOnce() {
    ThreadPoolExecutor pool = pool(2, 8);
    String warning = GrowthCheck.warning(rule(Mode.ENFORCE, new Threshold(Signal.QUEUE_SIZE, Op.GE, 50)),
        "orders", pool, 100);
    assertThat(warning).contains("'backlog'", "'orders'", "queue.size >= 50", "stay at 2 of its 8 threads");
    assertThat(GrowthCheck.warning(rule(Mode.ENFORCE, new Threshold(Signal.QUEUE_UTILIZATION, Op.GE, 0.8)),
        "orders", pool, 100)).isNotNull();
    assertThat(GrowthCheck.warning(rule(Mode.ENFORCE, new WaitCondition(Duration.ofMillis(5), Duration.ofMillis(100))),
        "orders", pool, 100)).as("a wait rule keeps the queue short").isNotNull();
    pool.shutdown();
  }

  @Test
  void noWarningWhenTheRuleCannotStopGrowth() {
    ThreadPoolExecutor pool = pool(2, 8);
    ThreadPoolExecutor fixed = pool(8, 8);
    Rule half = rule(Mode.ENFORCE, new Threshold(Signal.QUEUE_SIZE, Op.GE, 50));
    assertThat(GrowthCheck.warning(rule(Mode.ENFORCE, new Threshold(Signal.QUEUE_SIZE, Op.GE, 100)), "o", pool, 100))
        .as("fires only on a full queue").isNull();
    assertThat(GrowthCheck.warning(rule(Mode.ENFORCE, new Threshold(Signal.QUEUE_UTILIZATION, Op.GE, 1)), "o", pool,
        100)).isNull();
    assertThat(GrowthCheck.warning(rule(Mode.ENFORCE, new Threshold(Signal.QUEUE_SIZE, Op.GE, 50),
        new Threshold(Signal.QUEUE_SIZE, Op.GE, 100)), "o", pool, 100)).as("all conditions must hold").isNull();
    assertThat(GrowthCheck.warning(half, "o", fixed, 100)).as("core = max").isNull();
    assertThat(GrowthCheck.warning(half, "o", pool, -1)).as("unbounded: never grows anyway").isNull();
    assertThat(GrowthCheck.warning(half, "o", pool, 0)).as("SynchronousQueue").isNull();
    assertThat(GrowthCheck.warning(rule(Mode.DRY_RUN, new Threshold(Signal.QUEUE_SIZE, Op.GE, 50)), "o", pool, 100))
        .as("a dry run sheds nothing").isNull();
    pool.shutdown();
    fixed.shutdown();
  }
}
