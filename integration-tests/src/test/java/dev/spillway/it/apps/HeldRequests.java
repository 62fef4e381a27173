package dev.spillway.it.apps;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the server applications share with {@code it/server/ServerRig}: a {@code GET /slow} holds
 * its worker until the test sends {@code release <n>}, saying {@code IN_SLOW <n>} as it enters;
 * {@code exit} lets every held request go and stops the server.
 */
public final class HeldRequests {

  /** A command of the application's own, beyond {@code release} and {@code exit}. */
  public interface Command {
    /** Carries out {@code command} (its words); false if it is not this application's. */
    boolean run(String[] command) throws Exception;
  }

  /** Stops the server. */
  public interface Stop {
    void stop() throws Exception;
  }

  private static final Semaphore HELD = new Semaphore(0);
  private static final AtomicInteger ENTERED = new AtomicInteger();

  private HeldRequests() {}

  /** Inside a {@code GET /slow}: says so, then waits for its release. */
  public static void hold() {
    Scenario.say("IN_SLOW " + ENTERED.incrementAndGet());
    HELD.acquireUninterruptibly();
  }

  /** Serves the test's commands until {@code exit}. */
  public static void serveCommands(Stop stop, Command own) throws Exception {
    while (true) {
      String[] command = Scenario.next().split(" ");
      switch (command[0]) {
        case "release":
          HELD.release(Integer.parseInt(command[1]));
          break;
        case "exit":
          HELD.release(1000);
          stop.stop();
          System.exit(0);
          break;
        default:
          if (!own.run(command)) {
            Scenario.say("UNKNOWN " + command[0]);
          }
      }
    }
  }
}
