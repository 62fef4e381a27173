package dev.spillway.agent.shedding;

/**
 * One entry of a rule's {@code when}: a {@link Threshold} on an instantaneous signal, or a
 * {@link WaitCondition} on how long work waits. A rule fires when all its conditions hold.
 */
public abstract class Condition {

  Condition() {}

  /** The key as written under {@code when}. */
  public abstract String key();

  /** The value as written, for messages and for writing rules back. */
  public abstract String describe();

  @Override
  public String toString() {
    return key() + " " + describe();
  }
}
