package dev.spillway.agent.shedding;

import dev.spillway.agent.util.Printable;

/**
 * A rule file that does not parse or validate, with where and why: {@code rules.yaml:12:5: reason}.
 * The message is one line whatever the file holds: control characters are escaped, long text cut.
 */
public final class RuleFileException extends Exception {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final int line;
  private final int column;
  private final String reason;

  public RuleFileException(String source, int line, int column, String reason) {
    super(Printable.clip(source, 300) + ":" + line + ":" + column + ": " + Printable.clip(reason, 600));
    this.source = source;
    this.line = line;
    this.column = column;
    this.reason = Printable.clip(reason, 600);
  }

  public String source() {
    return source;
  }

  /** 1-based. */
  public int line() {
    return line;
  }

  /** 1-based. */
  public int column() {
    return column;
  }

  public String reason() {
    return reason;
  }
}
