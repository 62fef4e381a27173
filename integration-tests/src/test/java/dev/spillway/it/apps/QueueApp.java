package dev.spillway.it.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Queues for the queue tests, driven by commands; each prints one line when done.
 * <ul>
 *   <li>{@code fill}: 10 offers into the inbox (capacity 10), then 3 more offers, 2 adds and one
 *       timed offer that are refused; a plain queue (capacity 2) refuses 1 offer
 *   <li>{@code block}: a producer puts into the full inbox and blocks
 *   <li>{@code take1}: takes one item, which lets the blocked producer in; prints how long it blocked
 *   <li>{@code drain}: polls the inbox empty
 *   <li>{@code churn <n>}: builds n short-lived queues at one place and uses each
 *   <li>{@code shed}: offers into the inbox until refused, reports how, and how fast a timed offer
 *       and an add were refused; then a priority queue's offer
 * </ul>
 * It also runs two executors, whose work queues must not be reported as queues.
 */
public final class QueueApp {

  /** Keeps its queue in a field, which names it: {@code ...QueueApp$Journal.entries}. */
  static final class Journal {
    final BlockingQueue<String> entries = new ArrayBlockingQueue<>(4);
  }

  private static BlockingQueue<String> inbox;
  private static Journal journal;
  private static BlockingQueue<String> plain;
  private static final List<BlockingQueue<Integer>> kept = new ArrayList<>();
  private static volatile long blockedNanos = -1;
  private static CountDownLatch producerDone;

  public static void main(String[] args) throws Exception {
    Scenario.await("go");
    inbox = createInbox();
    plain = createPlain();
    journal = new Journal();
    journal.entries.offer("opened");
    ExecutorService fixed = Executors.newFixedThreadPool(1, Scenario.named("fixed"));
    ThreadPoolExecutor bounded = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(5), Scenario.named("bounded"));
    fixed.submit(() -> { }).get();
    bounded.submit(() -> { }).get();
    Scenario.say("READY");
    while (true) {
      String[] command = Scenario.next().split(" ");
      switch (command[0]) {
        case "fill": fill(); break;
        case "block": block(); break;
        case "take1": takeOne(); break;
        case "drain": drain(); break;
        case "churn": churn(Integer.parseInt(command[1])); break;
        case "shed": shed(); break;
        case "gc": System.gc(); Scenario.say("GC done"); break;
        case "exit": System.exit(0); break;
        default: Scenario.say("UNKNOWN " + command[0]);
      }
    }
  }

  private static BlockingQueue<String> createInbox() {
    return new ArrayBlockingQueue<>(10);
  }

  private static BlockingQueue<String> createPlain() {
    return new LinkedBlockingQueue<>(2);
  }

  private static void fill() throws InterruptedException {
    int accepted = 0;
    for (int i = 0; i < 13; i++) {
      accepted += inbox.offer("item-" + i) ? 1 : 0;
    }
    int addsThrew = 0;
    for (int i = 0; i < 2; i++) {
      try {
        inbox.add("extra");
      } catch (IllegalStateException full) {
        addsThrew++;
      }
    }
    boolean timed = inbox.offer("late", 20, TimeUnit.MILLISECONDS);
    plain.offer("a");
    plain.offer("b");
    boolean third = plain.offer("c");
    Scenario.say("FILLED accepted=" + accepted + " adds_threw=" + addsThrew + " timed=" + timed
        + " plain_third=" + third);
  }

  private static void block() {
    producerDone = new CountDownLatch(1);
    Thread producer = new Thread(() -> {
      long start = System.nanoTime();
      try {
        inbox.put("blocked");
      } catch (InterruptedException e) {
        return;
      }
      blockedNanos = System.nanoTime() - start;
      producerDone.countDown();
    }, "producer");
    producer.start();
    // Blocked means waiting on the queue's lock condition.
    while (producer.getState() != Thread.State.WAITING) {
      Thread.onSpinWait();
    }
    Scenario.say("BLOCKED");
  }

  private static void takeOne() throws InterruptedException {
    String item = inbox.take();
    producerDone.await();
    Scenario.say("TOOK " + item + " blocked_ms=" + blockedNanos / 1_000_000);
  }

  private static void drain() {
    int taken = 0;
    while (inbox.poll() != null) {
      taken++;
    }
    Scenario.say("DRAINED " + taken);
  }

  private static void churn(int count) {
    long total = 0;
    for (int i = 0; i < count; i++) {
      total += useConnectionQueue(i);
    }
    // No local of this frame holds the last queue: the collection below frees all but the kept.
    System.gc();
    Scenario.say("CHURNED " + count + " total=" + total + " kept=" + kept.size());
  }

  private static int useConnectionQueue(int i) {
    BlockingQueue<Integer> perConnection = newConnectionQueue();
    perConnection.offer(i);
    int taken = perConnection.poll();
    if (i % 1000 == 0) {
      kept.add(perConnection); // a few stay alive, holding one item each
      perConnection.offer(i);
    }
    return taken;
  }

  private static BlockingQueue<Integer> newConnectionQueue() {
    return new LinkedBlockingQueue<>(100);
  }

  private static void shed() throws InterruptedException {
    int accepted = 0;
    while (inbox.offer("shed-test")) {
      accepted++;
    }
    long start = System.nanoTime();
    boolean timed = inbox.offer("timed", 5, TimeUnit.SECONDS);
    long timedMillis = (System.nanoTime() - start) / 1_000_000;
    String add;
    try {
      inbox.add("added");
      add = "accepted";
    } catch (IllegalStateException e) {
      add = e.getMessage();
    }
    PriorityBlockingQueue<Integer> priority = createPriority();
    boolean priorityOffered = priority.offer(1) && priority.offer(2) && priority.offer(3);
    Scenario.say("SHED accepted=" + accepted + " size=" + inbox.size() + " timed=" + timed
        + " timed_fast=" + (timedMillis < 1000) + " add=" + add + " priority=" + priorityOffered);
  }

  private static PriorityBlockingQueue<Integer> createPriority() {
    return new PriorityBlockingQueue<>();
  }
}
