package dev.spillway.agent.registry;

import java.util.HashSet;
import java.util.Set;

/**
 * The series names of live targets, each unique: a second live target whose name is taken gets
 * {@code name#2}, a third {@code name#3}. A name comes free when its target is released, and the
 * next target with it takes it over (with the final counts kept under it). At most {@link Cap}
 * names are given out. Not thread-safe: the family's registry holds its lock around each call.
 */
public final class UniqueNames {

  private final Set<String> live = new HashSet<>();
  private final Cap cap;

  public UniqueNames(Cap cap) {
    this.cap = cap;
  }

  /** Whether no name is left, or {@code base} is taken: a sweep of gone targets may help. */
  public boolean isFullOrTaken(String base) {
    return cap.isReached(live.size()) || live.contains(base);
  }

  /** A name unique among live targets, from {@code base}; null past the cap (said once). */
  public String claim(String base) {
    if (cap.overflows(live.size())) {
      return null;
    }
    String name = base;
    for (int n = 2; live.contains(name); n++) {
      name = base + "#" + n;
    }
    live.add(name);
    return name;
  }

  /** The target reporting under {@code name} is gone. */
  public void release(String name) {
    live.remove(name);
  }
}
