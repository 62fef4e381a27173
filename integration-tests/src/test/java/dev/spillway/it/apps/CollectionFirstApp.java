package dev.spillway.it.apps;

import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Uses a {@code ConcurrentLinkedQueue} (an {@code AbstractQueue}, as are the collections of the
 * agent's rules parser) on the first line of {@code main}, then prints how long that took.
 */
public final class CollectionFirstApp {

  public static void main(String[] args) {
    long start = System.nanoTime();
    ConcurrentLinkedQueue<String> queue = new ConcurrentLinkedQueue<>();
    queue.add("first");
    Scenario.say("FIRST " + (System.nanoTime() - start) / 1_000_000 + " ms " + queue.size());
  }
}
