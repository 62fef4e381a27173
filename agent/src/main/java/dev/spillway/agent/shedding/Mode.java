package dev.spillway.agent.shedding;

/** Whether a rule sheds, or only counts what it would shed. */
public enum Mode {
  ENFORCE("enforce"),
  DRY_RUN("dry-run");

  private final String value;

  Mode(String value) {
    this.value = value;
  }

  public String value() {
    return value;
  }
}
