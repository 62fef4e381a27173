package dev.spillway.it.apps;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.LinkedTransferQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every blocking queue promises, checked from inside the application: results, ordering,
 * exceptions, blocking, timeouts and interrupts of every kind of insert and removal, bulk and
 * iterator operations. Each check prints {@code CHECK <name> <observed>}; the test compares them
 * with and without the agent.
 */
public final class QueueSemanticsApp {

  public static void main(String[] args) throws Exception {
    Scenario.await("go");
    bounded("array", new ArrayBlockingQueue<>(3));
    bounded("linked", new LinkedBlockingQueue<>(3));
    deque();
    priority();
    synchronous();
    transfer();
    delay();
    Scenario.say("CHECKS DONE");
    Scenario.await("exit");
  }

  static void bounded(String name, BlockingQueue<Integer> q) throws Exception {
    List<Object> seen = new ArrayList<>();
    seen.add(q.offer(1));
    seen.add(q.add(2));
    q.put(3);
    seen.add(q.offer(4));
    seen.add(thrown(() -> q.add(5)));
    long start = System.nanoTime();
    seen.add(q.offer(6, 50, TimeUnit.MILLISECONDS));
    seen.add(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(50));
    seen.add(q.remainingCapacity());
    seen.add(q.peek());
    seen.add(q.contains(2));
    seen.add(q.remove(2));
    seen.add(Arrays.toString(q.toArray()));
    seen.add(q.poll());
    seen.add(q.take());
    seen.add(q.poll(30, TimeUnit.MILLISECONDS));
    seen.add(thrown(q::remove));
    for (int i = 10; i < 13; i++) {
      q.offer(i);
    }
    Iterator<Integer> it = q.iterator();
    it.next();
    it.remove();
    List<Integer> drained = new ArrayList<>();
    seen.add(q.drainTo(drained, 1) + ":" + drained);
    q.clear();
    seen.add(q.isEmpty());
    seen.add(handOff(q));
    seen.add(interruptedTake(q));
    Scenario.say("CHECK " + name + " " + seen);
  }

  static void deque() throws Exception {
    BlockingDeque<Integer> d = new LinkedBlockingDeque<>(3);
    List<Object> seen = new ArrayList<>();
    seen.add(d.offerFirst(1));
    seen.add(d.offerLast(2));
    d.push(0);
    seen.add(thrown(() -> d.addFirst(9)));
    seen.add(thrown(() -> d.add(9)));
    seen.add(d.offer(9));
    seen.add(d.offerLast(9, 20, TimeUnit.MILLISECONDS));
    seen.add(Arrays.toString(d.toArray()));
    seen.add(d.pollLast());
    seen.add(d.pop());
    seen.add(d.takeLast());
    d.putFirst(7);
    d.putLast(8);
    seen.add(d.peekFirst() + "," + d.peekLast());
    seen.add(d.removeFirstOccurrence(8));
    seen.add(d.pollFirst(10, TimeUnit.MILLISECONDS));
    seen.add(d.pollFirst(10, TimeUnit.MILLISECONDS));
    seen.add(handOff(d));
    seen.add(interruptedTake(d));
    Scenario.say("CHECK deque " + seen);
  }

  static void priority() throws Exception {
    PriorityBlockingQueue<String> q = new PriorityBlockingQueue<>(2, Comparator.reverseOrder());
    List<Object> seen = new ArrayList<>();
    for (String s : new String[] {"b", "d", "a", "c"}) {
      seen.add(q.offer(s));
    }
    q.put("e");
    seen.add(q.add("f"));
    seen.add(q.offer("g", 1, TimeUnit.MILLISECONDS));
    seen.add(q.remainingCapacity() == Integer.MAX_VALUE);
    StringBuilder order = new StringBuilder();
    String s;
    while ((s = q.poll()) != null) {
      order.append(s);
    }
    seen.add(order);
    seen.add(q.poll(10, TimeUnit.MILLISECONDS));
    seen.add(thrown(() -> q.offer(null)));
    seen.add(interruptedTake(q));
    Scenario.say("CHECK priority " + seen);
  }

  static void synchronous() throws Exception {
    SynchronousQueue<String> q = new SynchronousQueue<>();
    List<Object> seen = new ArrayList<>();
    seen.add(q.offer("nobody waits"));
    seen.add(q.poll());
    seen.add(q.offer("x", 10, TimeUnit.MILLISECONDS));
    seen.add(thrown(() -> q.add("y")));
    seen.add(q.size() + "/" + q.remainingCapacity());
    seen.add(handOff(q));
    AtomicReference<String> got = new AtomicReference<>();
    Thread consumer = new Thread(() -> {
      try {
        got.set(q.poll(10, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        got.set("interrupted");
      }
    });
    consumer.start();
    boolean offered = false;
    while (!offered) {
      offered = q.offer("direct");
    }
    consumer.join();
    seen.add(got.get());
    seen.add(interruptedTake(q));
    Scenario.say("CHECK synchronous " + seen);
  }

  static void transfer() throws Exception {
    LinkedTransferQueue<String> q = new LinkedTransferQueue<>();
    List<Object> seen = new ArrayList<>();
    seen.add(q.tryTransfer("nobody"));
    seen.add(q.tryTransfer("late", 10, TimeUnit.MILLISECONDS));
    seen.add(q.offer("a"));
    q.put("b");
    seen.add(q.add("c"));
    seen.add(q.offer("d", 1, TimeUnit.SECONDS));
    seen.add(q.size());
    seen.add(q.poll() + q.take() + q.poll(1, TimeUnit.SECONDS) + q.poll());
    CountDownLatch taking = new CountDownLatch(1);
    AtomicReference<String> got = new AtomicReference<>();
    Thread consumer = new Thread(() -> {
      taking.countDown();
      try {
        got.set(q.take());
      } catch (InterruptedException e) {
        got.set("interrupted");
      }
    });
    consumer.start();
    taking.await();
    q.transfer("handed");
    consumer.join();
    seen.add(got.get());
    seen.add(q.hasWaitingConsumer());
    seen.add(interruptedTake(q));
    Scenario.say("CHECK transfer " + seen);
  }

  /** A delayed element, due {@code millis} after creation. */
  static final class Due implements Delayed {
    final String name;
    final long dueAt;

    Due(String name, long millis) {
      this.name = name;
      this.dueAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    @Override
    public long getDelay(TimeUnit unit) {
      return unit.convert(dueAt - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    @Override
    public int compareTo(Delayed other) {
      return Long.compare(dueAt, ((Due) other).dueAt);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static void delay() throws Exception {
    DelayQueue<Due> q = new DelayQueue<>();
    List<Object> seen = new ArrayList<>();
    seen.add(q.offer(new Due("later", 80)));
    q.put(new Due("soon", 40));
    seen.add(q.add(new Due("now", 0)));
    seen.add(q.poll());
    seen.add(q.poll());
    long start = System.nanoTime();
    Due soon = q.take();
    seen.add(soon + ":" + (System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20)));
    seen.add(q.poll(5, TimeUnit.SECONDS));
    seen.add(q.size());
    seen.add(interruptedTake(q));
    Scenario.say("CHECK delay " + seen);
  }

  /** A consumer blocked in take gets what a producer then inserts. */
  static String handOff(BlockingQueue<?> raw) throws Exception {
    @SuppressWarnings("unchecked")
    BlockingQueue<Object> q = (BlockingQueue<Object>) raw;
    AtomicReference<Object> got = new AtomicReference<>();
    Thread consumer = new Thread(() -> {
      try {
        got.set(q.take());
      } catch (InterruptedException e) {
        got.set("interrupted");
      }
    });
    consumer.start();
    while (consumer.getState() != Thread.State.WAITING) {
      Thread.onSpinWait();
    }
    q.put(raw instanceof DelayQueue ? new Due("handed", 0) : raw instanceof PriorityBlockingQueue ? "handed" : 42);
    consumer.join();
    return "handed:" + got.get();
  }

  /** A take blocked on an empty queue ends with InterruptedException when interrupted. */
  static String interruptedTake(BlockingQueue<?> q) throws Exception {
    AtomicReference<String> outcome = new AtomicReference<>();
    Thread taker = new Thread(() -> {
      try {
        outcome.set("took " + q.take());
      } catch (InterruptedException e) {
        outcome.set("interrupted");
      }
    });
    taker.start();
    while (taker.getState() != Thread.State.WAITING && taker.getState() != Thread.State.TIMED_WAITING) {
      Thread.onSpinWait();
    }
    taker.interrupt();
    taker.join();
    return outcome.get();
  }

  private static String thrown(Runnable action) {
    try {
      action.run();
      return "no exception";
    } catch (RuntimeException e) {
      return e.getClass().getSimpleName() + ":" + e.getMessage();
    }
  }
}
