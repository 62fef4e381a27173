package dev.spillway.agent.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * Spillway's settings, resolved from agent arguments, system properties and the environment.
 *
 * <p>Loading never fails: a malformed value or an unknown key becomes a problem line naming the
 * key, the value, where it came from and what is used instead; the setting keeps its default.
 */
public final class SpillwayConfig {

  private final Map<Setting<?>, Object> values;
  private final Map<String, String> otelOverrides;
  private final List<String> problems;

  private SpillwayConfig(Map<Setting<?>, Object> values, Map<String, String> otelOverrides,
      List<String> problems) {
    this.values = values;
    this.otelOverrides = otelOverrides;
    this.problems = problems;
  }

  /** Only defaults (and no problems). */
  public static SpillwayConfig defaults() {
    return load("", new Properties(), Map.of());
  }

  /** Resolves from this JVM's system properties and environment. */
  public static SpillwayConfig load(String agentArgs) {
    return load(agentArgs, System.getProperties(), System.getenv());
  }

  public static SpillwayConfig load(String agentArgs, Properties system, Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    // Lowest precedence first; later sources overwrite.
    Map<String, Raw> raw = new LinkedHashMap<>();
    readEnvironment(env, raw, problems);
    readSystemProperties(system, raw, problems);
    readAgentArguments(agentArgs, raw, problems);

    Map<Setting<?>, Object> values = new HashMap<>();
    Map<String, String> otel = new LinkedHashMap<>();
    for (Raw entry : raw.values()) {
      if (entry.key.startsWith(Settings.OTEL_PREFIX)) {
        otel.put("otel." + entry.key.substring(Settings.OTEL_PREFIX.length()), entry.value);
        continue;
      }
      Setting<?> setting = find(entry.key);
      if (setting == null) {
        problems.add("unknown setting " + entry.key + "=" + entry.value + " (" + entry.origin + ")"
            + suggestion(entry.key) + "; ignored");
        continue;
      }
      try {
        values.put(setting, setting.parse(entry.value));
      } catch (IllegalArgumentException e) {
        problems.add(setting.key() + "=" + entry.value + " (" + entry.origin + "): " + e.getMessage()
            + "; using " + render(setting.defaultValue()));
      }
    }
    return new SpillwayConfig(values, Collections.unmodifiableMap(otel), List.copyOf(problems));
  }

  @SuppressWarnings("unchecked")
  public <T> T get(Setting<T> setting) {
    Object value = values.get(setting);
    return value == null ? setting.defaultValue() : (T) value;
  }

  /** {@code otel.*} keys Spillway uses instead of the shared ones (from {@code spillway.otel.*}). */
  public Map<String, String> otelOverrides() {
    return otelOverrides;
  }

  /** One line per malformed value or unknown key, in the order they were read. */
  public List<String> problems() {
    return problems;
  }

  private static void readEnvironment(Map<String, String> env, Map<String, Raw> into, List<String> problems) {
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("SPILLWAY_")) {
        continue;
      }
      String key = keyForEnvironmentName(name);
      into.put(key, new Raw(key, e.getValue(), "environment variable " + name));
    }
  }

  private static void readSystemProperties(Properties system, Map<String, Raw> into, List<String> problems) {
    for (String name : system.stringPropertyNames()) {
      if (name.startsWith(Settings.PREFIX)) {
        into.put(name, new Raw(name, system.getProperty(name), "system property"));
      }
    }
  }

  private static void readAgentArguments(String args, Map<String, Raw> into, List<String> problems) {
    if (args == null || args.isBlank()) {
      return;
    }
    for (String pair : args.split(",")) {
      if (pair.isBlank()) {
        continue;
      }
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        problems.add("agent argument '" + pair.trim() + "' is not key=value; ignored");
        continue;
      }
      String key = pair.substring(0, eq).trim();
      if (!key.startsWith(Settings.PREFIX)) {
        key = Settings.PREFIX + key;
      }
      into.put(key, new Raw(key, pair.substring(eq + 1).trim(), "agent argument"));
    }
  }

  /** SPILLWAY_EXECUTOR_MAX_TRACKED is spillway.executor.max-tracked: matched against known keys. */
  static String keyForEnvironmentName(String name) {
    for (Setting<?> setting : Settings.ALL) {
      if (setting.envName().equals(name)) {
        return setting.key();
      }
    }
    return name.toLowerCase(Locale.ROOT).replace('_', '.');
  }

  private static Setting<?> find(String key) {
    for (Setting<?> setting : Settings.ALL) {
      if (setting.key().equals(key)) {
        return setting;
      }
    }
    return null;
  }

  private static String suggestion(String key) {
    Setting<?> best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Setting<?> setting : Settings.ALL) {
      int distance = editDistance(key, setting.key());
      if (distance < bestDistance) {
        best = setting;
        bestDistance = distance;
      }
    }
    return best != null && bestDistance <= 3 ? "; did you mean " + best.key() + "?" : "";
  }

  static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }

  private static String render(Object value) {
    if (value instanceof Enum) {
      return Setting.externalName((Enum<?>) value);
    }
    if (value instanceof java.time.Duration) {
      return Durations.format((java.time.Duration) value);
    }
    String text = String.valueOf(value);
    return text.isEmpty() ? "nothing" : text;
  }

  private static final class Raw {
    final String key;
    final String value;
    final String origin;

    Raw(String key, String value, String origin) {
      this.key = key;
      this.value = value;
      this.origin = origin;
    }
  }
}
