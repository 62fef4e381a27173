package dev.spillway.agent.registry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.shedding.RuleSet;
import dev.spillway.agent.testing.Gc;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TargetRegistryTest {

  /** A tracker as a family keeps one: its target weakly, whether it finished. */
  private static final class Tracker {
    final WeakReference<Object> target;
    volatile boolean finished;
    volatile boolean named;

    Tracker(Object target) {
      this.target = new WeakReference<>(target);
    }

    Object target() {
      return target.get();
    }
  }

  private static final Tracker IGNORED = new Tracker(null);

  private final TargetRegistry<Tracker> registry = new TargetRegistry<>(IGNORED);
  private final List<Tracker> released = new ArrayList<>();

  private List<Tracker> sweep() {
    return registry.sweep(Tracker::target, (tracker, target) -> tracker.finished, released::add);
  }

  @Test
  void tracksOnceAndReturnsTheFirstTrackerPublished() {
    Object target = new Object();
    AtomicInteger built = new AtomicInteger();
    Tracker first = registry.track(target, t -> {
      built.incrementAndGet();
      return new Tracker(t);
    });
    Tracker again = registry.track(target, t -> {
      built.incrementAndGet();
      return new Tracker(t);
    });
    assertThat(again).isSameAs(first);
    assertThat(built).hasValue(1);
    assertThat(registry.get(target)).isSameAs(first);
    assertThat(registry.get(new Object())).isNull();
  }

  @Test
  void ignoredTargetsAreNeitherListedNorReleased() {
    Object target = new Object();
    assertThat(registry.track(target, t -> IGNORED)).isSameAs(IGNORED);
    assertThat(registry.isIgnored(registry.get(target))).isTrue();
    assertThat(registry.all()).isEmpty();
    assertThat(sweep()).isEmpty();
    assertThat(released).isEmpty();
  }

  @Test
  void ignoringATrackedTargetReleasesItsTrackerOnce() {
    Object queue = new Object();
    Tracker tracker = registry.track(queue, Tracker::new);
    registry.ignore(queue, released::add);
    registry.ignore(queue, released::add);
    assertThat(released).containsExactly(tracker);
    assertThat(registry.get(queue)).isSameAs(IGNORED);
    assertThat(registry.all()).isEmpty();
  }

  @Test
  void sweepReleasesFinishedTargetsOnceAndKeepsLiveOnes() {
    Object live = new Object();
    Object done = new Object();
    Tracker liveTracker = registry.track(live, Tracker::new);
    Tracker doneTracker = registry.track(done, Tracker::new);
    doneTracker.finished = true;
    assertThat(sweep()).containsExactly(liveTracker);
    assertThat(sweep()).containsExactly(liveTracker);
    assertThat(released).containsExactly(doneTracker);
    assertThat(registry.get(done)).isNull();
  }

  @Test
  void sweepReleasesCollectedTargets() {
    Object target = new Object();
    Tracker tracker = registry.track(target, Tracker::new);
    target = null;
    Gc.until(() -> tracker.target() == null, "the target is collected");
    Gc.until(() -> {
      sweep();
      return !released.isEmpty();
    }, "the tracker of a collected target is released");
    assertThat(released).containsExactly(tracker);
    assertThat(registry.all()).isEmpty();
  }

  @Test
  void rulesBindToNamedTargetsAtOnceAndAfterEachChange() {
    Object named = new Object();
    Object unnamed = new Object();
    Tracker namedTracker = registry.track(named, Tracker::new);
    namedTracker.named = true;
    registry.track(unnamed, Tracker::new);
    List<Tracker> bound = new ArrayList<>();
    AtomicInteger afterChanges = new AtomicInteger();
    RuleEngine engine = new RuleEngine();
    try {
      registry.enforce(engine, tracker -> tracker.named, bound::add, afterChanges::incrementAndGet);
      assertThat(bound).containsExactly(namedTracker);
      assertThat(afterChanges).hasValue(1);

      Object target = new Object();
      Tracker later = registry.track(target, Tracker::new);
      later.named = true;
      registry.named(later);
      assertThat(bound).containsExactly(namedTracker, later);

      bound.clear();
      engine.apply(RuleSet.EMPTY);
      assertThat(bound).containsExactlyInAnyOrder(namedTracker, later);
      assertThat(afterChanges).hasValue(2);
    } finally {
      engine.stop();
    }
  }
}
