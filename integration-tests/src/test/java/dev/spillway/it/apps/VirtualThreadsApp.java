package dev.spillway.it.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Virtual threads at work (JDK 21+; compiled for 17, so started through reflection). Commands:
 * <ul>
 *   <li>{@code start <n>}: starts n virtual threads that wait for {@code release}; prints
 *   {@code STARTED <n>} once all run, or {@code STARTED none} on a JDK without virtual threads
 *   <li>{@code release}: lets every waiting one end and joins them; prints {@code RELEASED <n>}
 *   <li>{@code pin <k>}: (k = 1 to 3) runs a virtual thread that initialises class {@code Pin<k>},
 *   whose initialiser sleeps 100 ms: a virtual thread cannot leave its carrier inside a class
 *   initialiser (JDK 25 still pins there; it no longer does in {@code synchronized}); prints
 *   {@code PINNED <k>} once it ended
 * </ul>
 */
public final class VirtualThreadsApp {

  private static CountDownLatch release = new CountDownLatch(1);
  private static final List<Thread> WAITING = new ArrayList<>();

  public static void main(String[] args) throws Exception {
    Scenario.say("READY");
    while (true) {
      String[] command = Scenario.next().split(" ");
      switch (command[0]) {
        case "start":
          Scenario.say("STARTED " + start(Integer.parseInt(command[1])));
          break;
        case "release":
          release.countDown();
          for (Thread thread : WAITING) {
            thread.join();
          }
          Scenario.say("RELEASED " + WAITING.size());
          WAITING.clear();
          release = new CountDownLatch(1);
          break;
        case "pin":
          Runnable init = () -> {
            switch (Integer.parseInt(command[1])) {
              case 1: Pin1.touch(); break;
              case 2: Pin2.touch(); break;
              default: Pin3.touch(); break;
            }
          };
          startVirtual(init).join();
          Scenario.say("PINNED " + command[1]);
          break;
        case "exit":
          System.exit(0);
          break;
        default:
          Scenario.say("UNKNOWN " + command[0]);
      }
    }
  }

  private static String start(int count) throws Exception {
    if (Runtime.version().feature() < 21) {
      return "none";
    }
    CountDownLatch running = new CountDownLatch(count);
    CountDownLatch gate = release;
    for (int i = 0; i < count; i++) {
      WAITING.add(startVirtual(() -> {
        running.countDown();
        try {
          gate.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }));
    }
    running.await();
    return Integer.toString(count);
  }

  private static Thread startVirtual(Runnable task) throws Exception {
    return (Thread) Thread.class.getMethod("startVirtualThread", Runnable.class).invoke(null, task);
  }

  private static void sleepInInitialiser() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static final class Pin1 {
    static { sleepInInitialiser(); }
    static void touch() { }
  }

  static final class Pin2 {
    static { sleepInInitialiser(); }
    static void touch() { }
  }

  static final class Pin3 {
    static { sleepInInitialiser(); }
    static void touch() { }
  }
}
