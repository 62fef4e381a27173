package dev.spillway.agent.util;

import dev.spillway.agent.AgentLog;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renames from a setting such as {@code spillway.executor.names}: {@code glob=name;glob=name},
 * applied to a derived name, first match wins. A malformed entry is reported once and skipped.
 */
public final class Renames {

  private final List<Map.Entry<Glob, String>> renames;

  private Renames(List<Map.Entry<Glob, String>> renames) {
    this.renames = renames;
  }

  /** Parses {@code spec}; {@code key} names the setting in messages. */
  public static Renames parse(String spec, String key) {
    List<Map.Entry<Glob, String>> renames = new ArrayList<>();
    if (spec != null && !spec.isBlank()) {
      Set<String> seen = new HashSet<>();
      for (String part : spec.split(";")) {
        if (part.isBlank()) {
          continue;
        }
        int eq = part.lastIndexOf('=');
        if (eq <= 0 || eq == part.length() - 1) {
          AgentLog.warn(key + ": '" + Printable.clip(part.trim(), 100) + "' is not glob=name; ignored");
          continue;
        }
        String glob = part.substring(0, eq).trim();
        if (seen.add(glob)) {
          renames.add(Map.entry(Glob.of(glob), part.substring(eq + 1).trim()));
        }
      }
    }
    return new Renames(renames);
  }

  /** The first matching rename of {@code derived}, or {@code derived} itself. */
  public String apply(String derived) {
    for (Map.Entry<Glob, String> rename : renames) {
      if (rename.getKey().matches(derived)) {
        return rename.getValue();
      }
    }
    return derived;
  }
}
