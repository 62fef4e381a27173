package dev.spillway.it.apps;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A small application run beside the OpenTelemetry Java agent: one executor of its own that works
 * ({@code orders}), one that never runs a task ({@code idle}, built with the JDK's default thread
 * factory), a queue of its own ({@code inbox}), and slf4j's start-up (its substitute logger
 * factory holds a queue) when slf4j is on the class path.
 *
 * <p>Commands: {@code go} builds everything and prints {@code READY}; {@code work <n>} runs n
 * tasks on {@code orders} and passes n items through {@code inbox}, then prints {@code WORKED};
 * {@code exit}.
 */
public final class NeighbourApp {

  static ThreadPoolExecutor orders;
  static ExecutorService idle;
  static BlockingQueue<String> inbox;

  public static void main(String[] args) throws Exception {
    Scenario.await("go");
    orders = new ThreadPoolExecutor(2, 2, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(100), Scenario.named("orders"));
    idle = Executors.newFixedThreadPool(2);
    inbox = new ArrayBlockingQueue<>(16);
    try {
      Class.forName("org.slf4j.LoggerFactory").getMethod("getLogger", String.class).invoke(null, "neighbour");
    } catch (ClassNotFoundException e) {
      // no slf4j: nothing to start
    }
    Scenario.say("READY");
    while (true) {
      String[] command = Scenario.next().split(" ");
      switch (command[0]) {
        case "work": {
          int n = Integer.parseInt(command[1]);
          for (int i = 0; i < n; i++) {
            orders.submit(() -> inbox.offer("x")).get();
            inbox.poll();
          }
          Scenario.say("WORKED " + n);
          break;
        }
        case "exit":
          System.exit(0);
          break;
        default:
          Scenario.say("UNKNOWN " + command[0]);
      }
    }
  }
}
