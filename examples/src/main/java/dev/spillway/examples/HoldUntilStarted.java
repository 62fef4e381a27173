package dev.spillway.examples;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A small program held until the agent is fully started (its SDK and exporter running), then for
 * a few more seconds: what the start-up benchmark reads the agent's memory on. A program that exits
 * sooner says nothing of it.
 *
 * <pre>java [-javaagent:spillway-agent.jar] -cp ... dev.spillway.examples.HoldUntilStarted [holdMillis] [--no-agent]</pre>
 *
 * With the agent it waits until the agent says it is started (the {@code spillway.agent.version}
 * system property, at most 30 s) and then {@code holdMillis} (default 3000); with
 * {@code --no-agent}, it sleeps {@code holdMillis} plus one second.
 */
public final class HoldUntilStarted {

  public static void main(String[] args) throws Exception {
    long hold = args.length > 0 ? Long.parseLong(args[0]) : 3000;
    boolean agent = !(args.length > 1 && args[1].equals("--no-agent"));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    String greeting = pool.submit(() -> "hello").get();
    if (agent) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.getProperty("spillway.agent.version") == null && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      if (System.getProperty("spillway.agent.version") == null) {
        throw new IllegalStateException("the agent did not start within 30 s");
      }
      Thread.sleep(hold);
    } else {
      Thread.sleep(hold + 1000);
    }
    pool.shutdown();
    pool.awaitTermination(5, TimeUnit.SECONDS);
    System.out.println(greeting);
  }
}
