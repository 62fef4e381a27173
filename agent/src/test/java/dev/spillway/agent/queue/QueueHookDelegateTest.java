package dev.spillway.agent.queue;

import static org.assertj.core.api.Assertions.assertThat;

import com.example.naming.Owner;
import dev.spillway.agent.config.Settings.TimingMode;
import dev.spillway.agent.shedding.Action;
import dev.spillway.agent.shedding.Mode;
import dev.spillway.agent.shedding.Rule;
import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.shedding.RuleSet;
import dev.spillway.agent.shedding.TargetKind;
import dev.spillway.agent.shedding.Threshold;
import dev.spillway.agent.telemetry.Telemetry;
import dev.spillway.agent.timing.TaskSampling;
import dev.spillway.agent.util.Glob;
import dev.spillway.bootstrap.QueueHooks;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The queue hook delegate, called as the advice calls it (the JDK is not rewritten in unit tests). */
class QueueHookDelegateTest {

  /** What a queue built by {@link #newQueue} is named. */
  private static final String NAME = "com.example.naming.Owner.call";

  private final RuleEngine engine = new RuleEngine();
  private QueueRegistry registry;
  private QueueHookDelegate events;

  @AfterEach
  void stop() {
    engine.stop();
  }

  private void start(List<Glob> details) {
    registry = new QueueRegistry(new QueueNaming(""), 100, details, new TaskSampling(TimingMode.ALL, 1000));
    events = new QueueHookDelegate(registry, new QueueMetrics(Telemetry.noop().meter("queue"), registry));
  }

  /** A queue built by application code, constructed as the advice reports it. */
  private BlockingQueue<Object> newQueue() {
    return Owner.call(() -> {
      BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);
      events.onConstructed(queue);
      return queue;
    });
  }

  private static long refused(QueueTracker tracker, int operation, int reason) {
    return tracker.refusals.get(Refusals.index(operation, reason));
  }

  @Test
  void aRefusedInsertIsCountedByOperationAndAnAddThatThrowsAsAnAdd() {
    start(List.of());
    BlockingQueue<Object> queue = newQueue();
    QueueTracker tracker = registry.get(queue);
    assertThat(tracker.series.name).isEqualTo(NAME);

    long started = events.beforeOffer(queue, "a");
    assertThat(started).as("nothing to time or check").isZero();
    events.afterOffer(queue, "a", false, started, QueueHooks.OFFER);
    events.onAddRefused(queue);
    events.afterOffer(queue, "b", false, events.beforeOffer(queue, "b"), QueueHooks.OFFER_TIMED);

    assertThat(refused(tracker, QueueHooks.OFFER, Refusals.FULL)).isZero();
    assertThat(refused(tracker, Refusals.ADD, Refusals.FULL)).isEqualTo(1);
    assertThat(refused(tracker, QueueHooks.OFFER_TIMED, Refusals.FULL)).isEqualTo(1);
  }

  @Test
  void aQueueFirstMetByARefusedInsertIsRegisteredSoNoRefusalGoesUncounted() {
    start(List.of());
    BlockingQueue<Object> queue = new ArrayBlockingQueue<>(1);

    events.afterOffer(queue, "a", false, 0, QueueHooks.OFFER);

    assertThat(refused(registry.get(queue), QueueHooks.OFFER, Refusals.FULL)).isEqualTo(1);
  }

  @Test
  void aRuleRefusesTheInsertWhichIsCountedAsShed() {
    start(List.of());
    BlockingQueue<Object> queue = newQueue();
    QueueTracker tracker = registry.get(queue);
    engine.apply(new RuleSet(List.of(new Rule("full", TargetKind.QUEUE, Glob.of(NAME),
        List.of(new Threshold(Threshold.Signal.QUEUE_SIZE, Threshold.Op.GE, 0)), Action.REJECT, Mode.ENFORCE)), "test"));
    tracker.gate = engine.gate(TargetKind.QUEUE, NAME, tracker.signals);

    long started = events.beforeOffer(queue, "a");
    assertThat(started).isEqualTo(QueueHooks.REFUSE);
    events.afterOffer(queue, "a", false, started, QueueHooks.OFFER);

    assertThat(refused(tracker, QueueHooks.OFFER, Refusals.SHED)).isEqualTo(1);
    assertThat(refused(tracker, QueueHooks.OFFER, Refusals.FULL)).isZero();
  }

  @Test
  void aRuleThatFailsToReadItsQueueAdmits() {
    start(List.of());
    BlockingQueue<Object> queue = Owner.call(() -> {
      BlockingQueue<Object> q = new ArrayBlockingQueue<>(1) {
        @Override
        public int size() {
          throw new IllegalStateException("broken");
        }
      };
      events.onConstructed(q);
      return q;
    });
    QueueTracker tracker = registry.get(queue);
    engine.apply(new RuleSet(List.of(new Rule("full", TargetKind.QUEUE, Glob.of(NAME),
        List.of(new Threshold(Threshold.Signal.QUEUE_SIZE, Threshold.Op.GE, 0)), Action.REJECT, Mode.ENFORCE)), "test"));
    tracker.gate = engine.gate(TargetKind.QUEUE, NAME, tracker.signals);

    assertThat(events.beforeOffer(queue, "a")).isZero();
  }

  @Test
  void withDetailsInsertsAndRemovalsAreCountedAndWaitsTimed() {
    start(List.of(Glob.of(NAME)));
    BlockingQueue<Object> queue = newQueue();
    QueueTracker tracker = registry.get(queue);
    assertThat(tracker.details).isTrue();

    long started = events.beforeOffer(queue, "a");
    assertThat(started).isNotIn(0L, QueueHooks.COUNT, QueueHooks.REFUSE);
    assertThat(tracker.pending.size()).isEqualTo(1);
    events.afterOffer(queue, "a", true, started, QueueHooks.OFFER);
    events.afterTake(queue, "a");
    events.afterPut(queue, "b", events.beforePut(queue, "b"));
    events.afterTake(queue, "b");

    assertThat(tracker.enqueued.sum()).isEqualTo(2);
    assertThat(tracker.dequeued.sum()).isEqualTo(2);
    assertThat(tracker.pending.size()).as("both waits were timed").isZero();
    assertThat(tracker.refusals.isEmpty()).isTrue();
  }

  @Test
  void withoutDetailsRemovalsAreNotCounted() {
    start(List.of());
    BlockingQueue<Object> queue = newQueue();
    QueueTracker tracker = registry.get(queue);

    events.afterOffer(queue, "a", true, events.beforeOffer(queue, "a"), QueueHooks.OFFER);
    events.afterTake(queue, "a");

    assertThat(tracker.dequeued.sum()).isZero();
    assertThat(tracker.pending.size()).isZero();
  }

  @Test
  void anExecutorsWorkQueueAndWhatIsNoQueueAreIgnored() {
    start(List.of());
    BlockingQueue<Object> workQueue = newQueue();
    registry.ignore(workQueue);
    Object notAQueue = new Object();
    events.onConstructed(notAQueue);

    assertThat(events.beforeOffer(workQueue, "a")).isZero();
    events.afterOffer(workQueue, "a", false, 0, QueueHooks.OFFER);

    assertThat(registry.get(workQueue)).isSameAs(QueueTracker.IGNORED);
    assertThat(QueueTracker.IGNORED.refusals.isEmpty()).isTrue();
    assertThat(registry.get(notAQueue)).isSameAs(QueueTracker.IGNORED);
    assertThat(registry.live()).isEmpty();
  }
}
