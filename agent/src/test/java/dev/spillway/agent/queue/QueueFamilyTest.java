package dev.spillway.agent.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.naming.Owner;
import dev.spillway.agent.config.SpillwayConfig;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.agent.shedding.Action;
import dev.spillway.agent.shedding.Condition;
import dev.spillway.agent.shedding.Mode;
import dev.spillway.agent.shedding.Rule;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.shedding.RuleSet;
import dev.spillway.agent.shedding.TargetKind;
import dev.spillway.agent.shedding.Threshold;
import dev.spillway.agent.shedding.WaitCondition;
import dev.spillway.agent.status.TargetStatus;
import dev.spillway.agent.testing.Gc;
import dev.spillway.agent.util.Glob;
import dev.spillway.bootstrap.QueueHooks;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When every queue operation in the JVM reaches the agent: only while some queue is watched (issue 12). */
class QueueFamilyTest {

  /** What a queue built by {@link Owner#call} is named. */
  private static final String NAME = "com.example.naming.Owner.call";

  private final RuleEngine engine = new RuleEngine();
  private QueueFamily tracking;

  @AfterEach
  void stop() {
    if (tracking != null) {
      tracking.stop();
    }
    engine.stop();
  }

  private void start(String agentArgs) {
    tracking = new QueueFamily(SpillwayConfig.load(agentArgs, new Properties(), Map.of()), Telemetry.noop());
    tracking.enforce(engine);
    tracking.start();
  }

  /** A queue, constructed as the advice reports it, from application code. */
  private static BlockingQueue<Object> newQueue() {
    return Owner.call(() -> {
      BlockingQueue<Object> queue = new ArrayBlockingQueue<>(4);
      QueueHooks.onConstructed(queue);
      return queue;
    });
  }

  private static RuleSet rules(Condition condition) {
    return new RuleSet(List.of(new Rule("r", TargetKind.QUEUE, Glob.of(NAME), List.of(condition),
        Action.REJECT, Mode.ENFORCE)), "test");
  }

  @Test
  void aRuleWatchesQueuesOnlyWhileItIsInForce() {
    start("");
    BlockingQueue<Object> queue = newQueue();
    assertThat(tracking.status()).extracting(TargetStatus::getName).containsExactly(NAME);
    assertThat(QueueHooks.watching).isFalse();

    engine.apply(rules(new Threshold(Threshold.Signal.QUEUE_SIZE, Threshold.Op.GE, 100)));
    assertThat(QueueHooks.watching).isTrue();

    engine.apply(RuleSet.EMPTY);
    assertThat(QueueHooks.watching).as("no rule left: queue operations stop calling the agent").isFalse();
    assertThat(queue).isNotNull();
  }

  @Test
  void aWaitRuleTimesTheQueueOnlyWhileItIsInForce() {
    start("");
    BlockingQueue<Object> queue = newQueue();

    engine.apply(rules(new WaitCondition(Duration.ofMillis(5), Duration.ofMillis(100))));
    assertThat(QueueHooks.watching).isTrue();
    assertThat(queue.offer("timed")).isTrue();

    engine.apply(RuleSet.EMPTY);
    assertThat(QueueHooks.watching).as("the wait rule's timing ends with it").isFalse();
  }

  @Test
  void queueDetailsWatchWhateverTheRules() {
    start("queue.details=" + NAME);
    BlockingQueue<Object> queue = newQueue();
    assertThat(QueueHooks.watching).isTrue();

    engine.apply(rules(new Threshold(Threshold.Signal.QUEUE_SIZE, Threshold.Op.GE, 100)));
    engine.apply(RuleSet.EMPTY);
    assertThat(QueueHooks.watching).as("details stay on").isTrue();
    assertThat(queue).isNotNull();
  }

  @Test
  void theLastWatchedQueueGoneStopsTheWatching() {
    start("queue.details=" + NAME);
    WeakReference<BlockingQueue<Object>> queue = new WeakReference<>(newQueue());
    assertThat(QueueHooks.watching).isTrue();

    Gc.until(() -> {
      tracking.housekeeping();
      return queue.get() == null && !QueueHooks.watching;
    }, "the watched queue collected and housekeeping run");
  }

  @Test
  void stoppingEndsTheWatchingForGood() {
    start("queue.details=" + NAME);
    BlockingQueue<Object> queue = newQueue();
    assertThat(QueueHooks.watching).isTrue();

    tracking.stop();
    tracking.housekeeping();
    assertThat(QueueHooks.watching).isFalse();
    assertThat(queue).isNotNull();
  }
}
