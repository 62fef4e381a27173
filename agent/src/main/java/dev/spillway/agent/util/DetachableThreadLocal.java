package dev.spillway.agent.util;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;

/**
 * A per-thread value that a detach can take back from every thread.
 *
 * <p>A {@code ThreadLocal}'s value stays in each thread's own map until that thread touches the
 * map again, and an application's idle worker may never do so: a value of one of the agent's
 * classes would keep the whole agent loaded after a detach. Here each thread's value sits in a JDK
 * array, and {@link #clearAll} empties every array, leaving only JDK objects behind.
 */
public final class DetachableThreadLocal<T> {

  private final ThreadLocal<Object[]> holders = new ThreadLocal<>();
  /** Every thread's holder, weakly. Guarded by this. */
  private final List<WeakReference<Object[]>> all = new ArrayList<>();
  private int pruneAt = 64;

  @SuppressWarnings("unchecked")
  public T get() {
    Object[] holder = holders.get();
    return holder == null ? null : (T) holder[0];
  }

  public void set(T value) {
    Object[] holder = holders.get();
    if (holder == null) {
      holder = new Object[1];
      holders.set(holder);
      register(holder);
    }
    holder[0] = value;
  }

  public void remove() {
    Object[] holder = holders.get();
    if (holder != null) {
      holder[0] = null;
    }
  }

  /** Empties the value of every thread. */
  public synchronized void clearAll() {
    for (WeakReference<Object[]> reference : all) {
      Object[] holder = reference.get();
      if (holder != null) {
        holder[0] = null;
      }
    }
    all.clear();
  }

  private synchronized void register(Object[] holder) {
    if (all.size() >= pruneAt) {
      all.removeIf(reference -> reference.get() == null);
      pruneAt = Math.max(64, all.size() * 2);
    }
    all.add(new WeakReference<>(holder));
  }
}
