package dev.spillway.it.apps;

/** Prints {@code BYE} and exits at once, long before the agent beside it has finished starting. */
public final class QuickExitApp {

  public static void main(String[] args) {
    Scenario.say("BYE");
  }
}
