package dev.spillway.agent.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The final counts of targets that are gone (a terminated executor, a closed pool), by series
 * name, kept until one collection has reported them: added to a live target that took the same
 * name, or reported alone, once, before the series ends.
 */
public final class FinalCounts<T> {

  private final Map<String, T> byName = new HashMap<>();

  /** The counts kept under {@code name}, or null. */
  public synchronized T get(String name) {
    return byName.get(name);
  }

  /** The counts kept under {@code name}, made by {@code create} if there are none yet. */
  public synchronized T under(String name, Function<String, T> create) {
    return byName.computeIfAbsent(name, create);
  }

  /** Takes the counts whose name no live target reported under ({@code reported}): theirs to report alone. */
  public synchronized List<T> takeUnreported(Set<String> reported) {
    List<T> alone = new ArrayList<>();
    for (Iterator<Map.Entry<String, T>> it = byName.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, T> entry = it.next();
      if (!reported.contains(entry.getKey())) {
        alone.add(entry.getValue());
        it.remove();
      }
    }
    return alone;
  }
}
