package dev.spillway.agent.registry;

import dev.spillway.agent.shedding.RuleEngine;
import dev.spillway.agent.util.WeakIdentityMap;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The live targets of one family (executors, queues, pools), each with its tracker: what every
 * family keeps the same way. A family's own registry wraps one and adds what differs (how a
 * target is named, what is kept of it when it goes).
 *
 * <ul>
 *   <li><b>Weak.</b> Targets are keys of a {@link WeakIdentityMap}: a target the application drops
 *       is collected, and its tracker is released at the next {@link #sweep}. Lookups are
 *       lock-free; a tracker holds its target weakly too.
 *   <li><b>Ignored.</b> A target that is the agent's own, or that the family does not report, maps
 *       to the family's {@code ignored} marker, so that the hot path decides it with one lookup.
 *   <li><b>Built outside the lock.</b> {@link #track} builds a tracker (which may walk the stack or
 *       call the target's own, possibly overridden, getters) before taking the map's lock; the
 *       first one published wins (issue 12).
 *   <li><b>Released once.</b> {@link #sweep} drops collected targets and those the family says
 *       are gone (terminated, closed), handing each tracker once to the family's release, which
 *       keeps its final counts ({@link FinalCounts}).
 *   <li><b>Rules bound.</b> {@link #enforce} binds shedding rules to each target when it is
 *       {@linkplain #named named} and to every named one after each rule change.
 * </ul>
 */
public final class TargetRegistry<T> {

  private final WeakIdentityMap<Object, T> trackers = new WeakIdentityMap<>();
  private final T ignored;
  /** Told when a target gets its series (to bind shedding rules). */
  private volatile Consumer<T> onNamed = t -> { };

  /** @param ignored the family's marker for targets it does not report */
  public TargetRegistry(T ignored) {
    this.ignored = ignored;
  }

  /** The tracker of {@code target}, the ignored marker, or null if not seen yet. Lock-free. */
  public T get(Object target) {
    return trackers.get(target);
  }

  public boolean isIgnored(T tracker) {
    return tracker == ignored;
  }

  /**
   * The tracker of {@code target}, registering it on its first sighting with what {@code create}
   * builds (the ignored marker for a target not to report). {@code create} runs outside any lock
   * of ours and may run twice for one target on two threads: the first tracker published wins.
   */
  public T track(Object target, Function<Object, T> create) {
    T tracker = trackers.get(target);
    return tracker != null ? tracker : trackers.putIfAbsent(target, create.apply(target));
  }

  /**
   * Marks {@code target} ignored from now on (an executor's work queue, reported as part of the
   * executor); a tracker it had is handed to {@code release}.
   */
  public void ignore(Object target, Consumer<T> release) {
    T previous = trackers.get(target);
    if (previous != ignored) {
      trackers.put(target, ignored);
      if (previous != null) {
        release.accept(previous);
      }
    }
  }

  /** Every tracker but the ignored marker, gone targets included until a sweep. */
  public List<T> all() {
    List<T> all = trackers.values();
    all.removeIf(tracker -> tracker == ignored);
    return all;
  }

  /**
   * The trackers of live targets, in no order. Those whose target was collected, and those that
   * {@code finished} says are done with (terminated, closed), leave the registry and are handed to
   * {@code release}, once each; the ignored marker never is. A finished target is held strongly
   * from the check to the release, so that its tracker can still read it, and a target collected
   * meanwhile is left to the next sweep's expunging: never released twice.
   *
   * @param target a tracker's target, or null once collected
   */
  public List<T> sweep(Function<T, Object> target, BiPredicate<T, Object> finished, Consumer<T> release) {
    trackers.expungeStale(tracker -> {
      if (tracker != ignored) {
        release.accept(tracker);
      }
    });
    List<T> live = new ArrayList<>();
    for (T tracker : trackers.values()) {
      if (tracker == ignored) {
        continue;
      }
      Object held = target.apply(tracker);
      if (held == null) {
        continue; // collected since values(): expunged, and released, by the next sweep
      }
      if (finished.test(tracker, held)) {
        trackers.remove(held);
        release.accept(tracker);
        continue;
      }
      live.add(tracker);
    }
    return live;
  }

  /** The family named this tracker's target: rules bind to it now. */
  public void named(T tracker) {
    onNamed.accept(tracker);
  }

  /**
   * Binds shedding rules with {@code bind}: to each target once it is named, and to every named
   * target now and after each rule change, followed by {@code afterRulesChanged}.
   */
  public void enforce(RuleEngine engine, Predicate<T> isNamed, Consumer<T> bind, Runnable afterRulesChanged) {
    onNamed = bind;
    engine.onRulesChanged(() -> {
      for (T tracker : all()) {
        if (isNamed.test(tracker)) {
          bind.accept(tracker);
        }
      }
      afterRulesChanged.run();
    });
  }
}
