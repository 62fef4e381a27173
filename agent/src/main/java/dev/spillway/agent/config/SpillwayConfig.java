package dev.spillway.agent.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import dev.spillway.agent.util.Printable;
import dev.spillway.agent.util.Suggestions;

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

  /** Keys given explicitly (and valid), in no particular order; otel overrides as spillway.otel.*. */
  public List<String> explicitKeys() {
    List<String> keys = new ArrayList<>();
    for (Setting<?> setting : values.keySet()) {
      keys.add(setting.key());
    }
    for (String otel : otelOverrides.keySet()) {
      keys.add(Settings.PREFIX + otel);
    }
    return keys;
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
        problems.add("unknown setting " + Printable.clip(entry.key, 100) + "=" + Printable.clip(entry.value, 100)
            + " (" + Printable.clip(entry.origin, 150) + ")"
            + suggestion(entry.key) + "; ignored");
        continue;
      }
      try {
        values.put(setting, setting.parse(entry.value));
      } catch (IllegalArgumentException e) {
        problems.add(setting.key() + "=" + Printable.clip(entry.value, 100) + " (" + entry.origin + "): "
            + Printable.clip(e.getMessage(), 200)
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
      if (name.startsWith(Settings.PREFIX) && !Settings.AGENT_PROPERTIES.contains(name)) {
        into.put(name, new Raw(name, system.getProperty(name), "system property"));
      }
    }
  }

  /**
   * {@code key=value,key=value}. A part without {@code =} continues the previous value, so lists
   * pass through: {@code otel.metrics.exporter=otlp,console} sets one key to {@code otlp,console}.
   */
  private static void readAgentArguments(String args, Map<String, Raw> into, List<String> problems) {
    if (args == null || args.isBlank()) {
      return;
    }
    Raw previous = null;
    for (String part : args.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      int eq = part.indexOf('=');
      if (eq < 0 && previous != null) {
        previous = new Raw(previous.key, previous.value + "," + part.trim(), previous.origin);
        into.put(previous.key, previous);
        continue;
      }
      if (eq <= 0) {
        problems.add("agent argument '" + Printable.clip(part.trim(), 100) + "' is not key=value; ignored");
        previous = null;
        continue;
      }
      String key = part.substring(0, eq).trim();
      if (!key.startsWith(Settings.PREFIX)) {
        key = Settings.PREFIX + key;
      }
      previous = new Raw(key, part.substring(eq + 1).trim(), "agent argument");
      into.put(key, previous);
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
    List<String> keys = new ArrayList<>();
    for (Setting<?> setting : Settings.ALL) {
      keys.add(setting.key());
    }
    String closest = Suggestions.closest(key, keys);
    return closest == null ? "" : "; did you mean " + closest + "?";
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
