package dev.spillway.agent.util;

import java.util.regex.Pattern;

/**
 * A name pattern with {@code *} (any run of characters) and {@code ?} (one character); everything
 * else matches itself. Used for executor, queue and pool names in settings and rules.
 */
public final class Glob {

  private final String text;
  private final Pattern pattern;

  private Glob(String text, Pattern pattern) {
    this.text = text;
    this.pattern = pattern;
  }

  public static Glob of(String text) {
    StringBuilder regex = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    return new Glob(text, Pattern.compile(regex.toString(), Pattern.DOTALL));
  }

  public boolean matches(String name) {
    return name != null && pattern.matcher(name).matches();
  }

  @Override
  public String toString() {
    return text;
  }
}
