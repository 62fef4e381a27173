package dev.spillway.agent.install;

import java.util.ArrayDeque;

/**
 * A small queue shaped to try {@link MethodCode}'s frames: {@code offer} starts with a loop (a
 * stack map frame at its very first instruction), {@code add} throws, {@code poll} returns an
 * object from two places. Woven in {@link MethodCodeTest} with the queue family's real advice.
 */
public class WeaveTarget {

  static final Object EVICT = new Object();

  final ArrayDeque<Object> items = new ArrayDeque<>();
  final int capacity;

  public WeaveTarget() {
    this(2);
  }

  public WeaveTarget(int capacity) {
    this.capacity = capacity;
  }

  public boolean offer(Object e) {
    while (items.size() >= capacity) {
      if (e != EVICT) {
        return false;
      }
      items.poll();
    }
    items.add(e);
    return true;
  }

  public boolean add(Object e) {
    if (offer(e)) {
      return true;
    }
    throw new IllegalStateException("full");
  }

  public Object poll() {
    if (items.isEmpty()) {
      return null;
    }
    return items.poll();
  }

  public void put(Object e) throws InterruptedException {
    long wide = 1L;
    double wider = 2.0;
    if (!offer(e)) {
      throw new InterruptedException("full " + wide + wider);
    }
  }
}
