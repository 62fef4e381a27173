package dev.spillway.agent.util;

/**
 * A name pattern with {@code *} (any run of characters) and {@code ?} (one character); everything
 * else matches itself. Used for executor, queue and pool names in settings and rules.
 *
 * <p>Matched without regular expressions, in at most (pattern length × name length) steps: a
 * pattern such as {@code *a*a*a*a*b} from a rule file would make a backtracking regex take
 * exponential time on the thread that names a new executor.
 */
public final class Glob {

  private final String text;

  private Glob(String text) {
    this.text = text;
  }

  public static Glob of(String text) {
    return new Glob(text);
  }

  public boolean matches(String name) {
    if (name == null) {
      return false;
    }
    int p = 0;
    int n = 0;
    int star = -1;
    int resume = 0;
    while (n < name.length()) {
      if (p < text.length() && (text.charAt(p) == '?' || text.charAt(p) == name.charAt(n))) {
        p++;
        n++;
      } else if (p < text.length() && text.charAt(p) == '*') {
        star = p++;
        resume = n;
      } else if (star >= 0) {
        // Let the last star take one more character and try again from there.
        p = star + 1;
        n = ++resume;
      } else {
        return false;
      }
    }
    while (p < text.length() && text.charAt(p) == '*') {
      p++;
    }
    return p == text.length();
  }

  /** Whether the pattern has a {@code *} or {@code ?}, that is, may match more than one name. */
  public boolean isWildcard() {
    return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
  }

  @Override
  public String toString() {
    return text;
  }
}
