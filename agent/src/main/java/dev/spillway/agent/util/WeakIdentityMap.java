package dev.spillway.agent.util;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A map from objects, by identity and held weakly, to values: how the agent keeps state for the
 * application's executors and queues without keeping them alive.
 *
 * <p>Reads are lock-free and allocation-free: an identity hash, then linear probing in an
 * open-addressing table whose slots are read with volatile semantics (a plain load on x86). A read
 * that races with a write may miss; callers then fall back to {@link #putIfAbsent}, which locks
 * and looks again. Writes and removals lock; the lock is held for the table's work only, so that
 * what a value costs to build (stack walks, class files, the application's own methods) is spent
 * outside it. Entries whose key was collected are found
 * through a reference queue by {@link #expungeStale}, which hands their values to the caller.
 *
 * <p>Values must not refer to their key strongly, or the key never becomes collectable.
 */
public final class WeakIdentityMap<K, V> {

  private static final int MIN_CAPACITY = 16;

  private final ReferenceQueue<Object> queue = new ReferenceQueue<>();
  private volatile AtomicReferenceArray<Entry<K, V>> table = new AtomicReferenceArray<>(MIN_CAPACITY);
  /** Live entries. Guarded by this. */
  private int size;
  /** Occupied slots, live or removed. Guarded by this. */
  private int used;
  /** Values of collected entries a rebuild dropped before {@link #expungeStale} saw them. Guarded by this. */
  private final List<V> collected = new ArrayList<>();

  /** The value for {@code key}, or null. Never locks. */
  public V get(Object key) {
    AtomicReferenceArray<Entry<K, V>> t = table;
    int mask = t.length() - 1;
    int i = index(key, mask);
    while (true) {
      Entry<K, V> e = t.get(i);
      if (e == null) {
        return null;
      }
      if (e.get() == key) {
        return e.value;
      }
      i = (i + 1) & mask;
    }
  }

  /**
   * The value for {@code key}, or {@code value} if there was none, which is then put: the first
   * value published wins, a later one is dropped. Build the value before, outside any lock.
   */
  public synchronized V putIfAbsent(K key, V value) {
    Objects.requireNonNull(value, "value");
    V existing = get(key);
    if (existing != null) {
      return existing;
    }
    insert(key, value);
    return value;
  }

  /**
   * The value for {@code key}, created under the lock if absent. {@code create} runs holding this
   * map's lock: only for values that cost nothing to build and call no code of the application;
   * otherwise build outside and {@link #putIfAbsent}.
   */
  public synchronized V computeIfAbsent(K key, Function<? super K, ? extends V> create) {
    V existing = get(key);
    if (existing != null) {
      return existing;
    }
    V value = create.apply(key);
    if (value != null) {
      insert(key, value);
    }
    return value;
  }

  /** Associates {@code value} with {@code key}, replacing any earlier value. */
  public synchronized void put(K key, V value) {
    removeEntry(key);
    insert(key, value);
  }

  /** Removes {@code key}; returns its value or null. */
  public synchronized V remove(Object key) {
    Entry<K, V> removed = removeEntry(key);
    return removed == null ? null : removed.value;
  }

  /** The values whose keys are still alive, in no particular order. */
  public List<V> values() {
    AtomicReferenceArray<Entry<K, V>> t = table;
    List<V> values = new ArrayList<>();
    for (int i = 0; i < t.length(); i++) {
      Entry<K, V> e = t.get(i);
      if (e != null && e.value != null && e.get() != null) {
        values.add(e.value);
      }
    }
    return values;
  }

  public synchronized int size() {
    return size;
  }

  /** Drops entries whose key was collected, handing each value to {@code removed}. */
  public void expungeStale(Consumer<? super V> removed) {
    if (queue.poll() == null) {
      return;
    }
    List<V> dropped = new ArrayList<>();
    synchronized (this) {
      while (queue.poll() != null) {
        // drain: one scan below handles every cleared entry
      }
      // Their references are queued too (they were cleared before the rebuild), so we got here.
      dropped.addAll(collected);
      collected.clear();
      AtomicReferenceArray<Entry<K, V>> t = table;
      for (int i = 0; i < t.length(); i++) {
        Entry<K, V> e = t.get(i);
        if (e != null && e.value != null && e.get() == null) {
          t.set(i, Entry.removed());
          size--;
          dropped.add(e.value);
        }
      }
    }
    dropped.forEach(removed);
  }

  private void insert(K key, V value) {
    AtomicReferenceArray<Entry<K, V>> t = table;
    if ((used + 1) * 2 > t.length()) {
      t = rebuild();
    }
    int mask = t.length() - 1;
    int i = index(key, mask);
    while (t.get(i) != null) {
      i = (i + 1) & mask;
    }
    t.set(i, new Entry<>(key, value, queue));
    size++;
    used++;
  }

  private Entry<K, V> removeEntry(Object key) {
    AtomicReferenceArray<Entry<K, V>> t = table;
    int mask = t.length() - 1;
    int i = index(key, mask);
    while (true) {
      Entry<K, V> e = t.get(i);
      if (e == null) {
        return null;
      }
      if (e.get() == key && e.value != null) {
        // A marker, not null: later entries of the same probe chain must stay reachable.
        t.set(i, Entry.removed());
        e.clear();
        size--;
        return e;
      }
      i = (i + 1) & mask;
    }
  }

  /** A new table without removed or collected entries, grown or shrunk to the live size. */
  private AtomicReferenceArray<Entry<K, V>> rebuild() {
    AtomicReferenceArray<Entry<K, V>> old = table;
    int capacity = MIN_CAPACITY;
    while (capacity < (size + 1) * 4) {
      capacity <<= 1;
    }
    AtomicReferenceArray<Entry<K, V>> fresh = new AtomicReferenceArray<>(capacity);
    int mask = capacity - 1;
    int live = 0;
    for (int j = 0; j < old.length(); j++) {
      Entry<K, V> e = old.get(j);
      K key = e == null ? null : e.get();
      if (key == null || e.value == null) {
        if (e != null && e.value != null) {
          // Collected but not expunged yet: its value is still owed to expungeStale.
          collected.add(e.value);
        }
        continue;
      }
      int i = index(key, mask);
      while (fresh.get(i) != null) {
        i = (i + 1) & mask;
      }
      fresh.set(i, e);
      live++;
    }
    size = live;
    used = live;
    table = fresh;
    return fresh;
  }

  private static int index(Object key, int mask) {
    int h = System.identityHashCode(key);
    // identity hashes are well spread, but their low bits are what we index with: mix them.
    h ^= (h >>> 16);
    h *= 0x85ebca6b;
    h ^= (h >>> 13);
    return h & mask;
  }

  private static final class Entry<K, V> extends WeakReference<K> {
    private static final Entry<?, ?> REMOVED = new Entry<>(null, null, null);

    final V value;

    Entry(K key, V value, ReferenceQueue<Object> queue) {
      super(key, queue);
      this.value = value;
    }

    @SuppressWarnings("unchecked")
    static <K, V> Entry<K, V> removed() {
      return (Entry<K, V>) REMOVED;
    }
  }
}
