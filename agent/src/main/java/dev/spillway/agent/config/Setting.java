package dev.spillway.agent.config;

import java.time.Duration;
import java.util.Locale;

/**
 * One setting: its key, type, default and description, declared once in {@link Settings}.
 *
 * @param <T> the parsed type
 */
public final class Setting<T> {

  /** Turns a raw string into a value, or throws with a reason a user can act on. */
  interface Parser<T> {
    T parse(String raw);
  }

  private final String key;
  private final String type;
  private final T defaultValue;
  private final String description;
  private final Parser<T> parser;

  private Setting(String key, String type, T defaultValue, String description, Parser<T> parser) {
    this.key = key;
    this.type = type;
    this.defaultValue = defaultValue;
    this.description = description;
    this.parser = parser;
  }

  static Setting<Boolean> flag(String key, boolean defaultValue, String description) {
    return new Setting<>(key, "boolean", defaultValue, description, raw -> {
      switch (raw.trim().toLowerCase(Locale.ROOT)) {
        case "true": return true;
        case "false": return false;
        default: throw new IllegalArgumentException("expected true or false");
      }
    });
  }

  static Setting<Integer> integer(String key, int defaultValue, int min, int max, String description) {
    return new Setting<>(key, "integer", defaultValue, description, raw -> {
      int value;
      try {
        value = Integer.parseInt(raw.trim());
      } catch (NumberFormatException e) {
        if (raw.trim().matches("[-+]?[0-9]+")) {
          throw new IllegalArgumentException("out of range: must be between " + min + " and " + max);
        }
        throw new IllegalArgumentException("not a whole number");
      }
      if (value < min || value > max) {
        throw new IllegalArgumentException("must be between " + min + " and " + max);
      }
      return value;
    });
  }

  static Setting<Duration> duration(String key, Duration defaultValue, String description) {
    return new Setting<>(key, "duration", defaultValue, description, Durations::parse);
  }

  static Setting<String> text(String key, String defaultValue, String description) {
    return new Setting<>(key, "string", defaultValue, description, String::trim);
  }

  /**
   * Globs separated by {@code ;}: only {@code *} and {@code ?} are wildcards, so brackets and
   * braces (other glob dialects, regular expressions) and empty entries are refused as a whole.
   */
  static Setting<String> globs(String key, String description) {
    return new Setting<>(key, "globs", "", description, raw -> {
      String value = raw.trim();
      String[] parts = value.split(";", -1);
      for (int i = 0; i < parts.length; i++) {
        String part = parts[i].trim();
        if (part.isEmpty() && i < parts.length - 1) {
          throw new IllegalArgumentException("entry " + (i + 1) + " is empty (globs are separated by single ';')");
        }
        for (char c : new char[] {'[', ']', '{', '}'}) {
          if (part.indexOf(c) >= 0) {
            throw new IllegalArgumentException("'" + part + "' holds '" + c + "': only * and ? are wildcards here");
          }
        }
      }
      return value;
    });
  }

  static <E extends Enum<E>> Setting<E> choice(String key, E defaultValue, String description) {
    Class<E> type = defaultValue.getDeclaringClass();
    StringBuilder names = new StringBuilder();
    for (E constant : type.getEnumConstants()) {
      names.append(names.length() == 0 ? "" : " | ").append(externalName(constant));
    }
    return new Setting<>(key, names.toString(), defaultValue, description, raw -> {
      String wanted = raw.trim().toLowerCase(Locale.ROOT);
      for (E constant : type.getEnumConstants()) {
        if (externalName(constant).equals(wanted)) {
          return constant;
        }
      }
      throw new IllegalArgumentException("expected one of " + names);
    });
  }

  static String externalName(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public String key() {
    return key;
  }

  /** How the value is written: boolean, integer, duration, string, or the choices. */
  public String type() {
    return type;
  }

  public T defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  T parse(String raw) {
    return parser.parse(raw);
  }

  /** The environment variable for this key: SPILLWAY_EXECUTOR_MAX_TRACKED. */
  public String envName() {
    return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  @Override
  public String toString() {
    return key;
  }
}
