package dev.spillway.agent.util;

/**
 * Text from outside (a rule file, a setting, a JMX caller) made safe for one log line: control
 * and formatting characters are shown as {@code \u001b}-style escapes instead of being echoed to
 * the operator's terminal, and long text is cut, saying how long it was.
 */
public final class Printable {

  private Printable() {}

  /** {@code text} with control characters escaped and at most {@code max} characters of it kept. */
  public static String clip(String text, int max) {
    if (text == null) {
      return "null";
    }
    int keep = Math.min(text.length(), max);
    StringBuilder out = new StringBuilder(keep + 16);
    for (int i = 0; i < keep; i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
          || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    if (text.length() > max) {
      out.append("... (").append(text.length()).append(" characters)");
    }
    return out.toString();
  }

  /** {@code text} with control characters escaped, whole. */
  public static String escape(String text) {
    return clip(text, Integer.MAX_VALUE);
  }
}
