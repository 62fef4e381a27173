package dev.spillway.agent.util;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.agent.testing.Gc;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WeakIdentityMapTest {

  /** Equal to every other Key with the same text, but a distinct identity. */
  private static final class Key {
    final String text;

    Key(String text) {
      this.text = text;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Key && ((Key) other).text.equals(text);
    }

    @Override
    public int hashCode() {
      return text.hashCode();
    }
  }

  @Test
  void equalButDistinctKeysAreDifferentEntries() {
    WeakIdentityMap<Key, String> map = new WeakIdentityMap<>();
    Key first = new Key("same");
    Key second = new Key("same");

    map.put(first, "first");
    map.put(second, "second");

    assertThat(map.get(first)).isEqualTo("first");
    assertThat(map.get(second)).isEqualTo("second");
    assertThat(map.get(new Key("same"))).isNull();
    assertThat(map.size()).isEqualTo(2);
  }

  @Test
  void putReplacesAndRemoveReturnsTheValue() {
    WeakIdentityMap<Key, String> map = new WeakIdentityMap<>();
    Key key = new Key("k");

    map.put(key, "one");
    map.put(key, "two");

    assertThat(map.get(key)).isEqualTo("two");
    assertThat(map.size()).isEqualTo(1);
    assertThat(map.remove(key)).isEqualTo("two");
    assertThat(map.get(key)).isNull();
    assertThat(map.remove(key)).isNull();
    assertThat(map.size()).isZero();
  }

  @Test
  void computeIfAbsentCreatesOnceAndKeepsNullsOut() {
    WeakIdentityMap<Key, String> map = new WeakIdentityMap<>();
    Key key = new Key("k");
    Key other = new Key("other");

    assertThat(map.computeIfAbsent(key, k -> "created")).isEqualTo("created");
    assertThat(map.computeIfAbsent(key, k -> "again")).isEqualTo("created");
    assertThat(map.computeIfAbsent(other, k -> null)).isNull();
    assertThat(map.size()).isEqualTo(1);
    assertThat(map.get(other)).isNull();
  }

  @Test
  void putIfAbsentKeepsTheFirstValuePublished() {
    WeakIdentityMap<Key, String> map = new WeakIdentityMap<>();
    Key key = new Key("k");

    assertThat(map.putIfAbsent(key, "first")).isEqualTo("first");
    assertThat(map.putIfAbsent(key, "second")).isEqualTo("first");
    assertThat(map.get(key)).isEqualTo("first");
    assertThat(map.size()).isEqualTo(1);
  }

  /**
   * Lock-free reads racing the writer's rebuilds (growing as keys come, shrinking as they go, with
   * removal markers in the probe chains): a key that is in the map all along is never missed.
   */
  @Test
  void aGetRacingRebuildsNeverMissesAKeyThatStaysIn() throws Exception {
    WeakIdentityMap<Object, Integer> map = new WeakIdentityMap<>();
    Object[] stable = new Object[48];
    for (int i = 0; i < stable.length; i++) {
      stable[i] = new Object();
      map.put(stable[i], i);
    }
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger rounds = new AtomicInteger();
    CountDownLatch reading = new CountDownLatch(1);
    Thread writer = new Thread(() -> {
      try {
        reading.await();
        Object[] churn = new Object[200];
        for (int round = 0; round < 1500; round++) {
          for (int i = 0; i < churn.length; i++) {
            churn[i] = new Object();
            map.put(churn[i], -1);
          }
          for (Object key : churn) {
            map.remove(key);
          }
          rounds.incrementAndGet();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        writing.set(false);
      }
    }, "map-writer");
    AtomicLong reads = new AtomicLong();
    List<String> misses = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      long n = 0;
      reading.countDown();
      while (writing.get() && misses.size() < 10) {
        for (int i = 0; i < stable.length; i++) {
          Integer value = map.get(stable[i]);
          n++;
          if (value == null || value != i) {
            misses.add("key " + i + " read " + value + " after " + rounds.get() + " rounds");
          }
        }
      }
      reads.set(n);
    }, "map-reader");

    reader.start();
    writer.start();
    writer.join(60_000);
    reader.join(60_000);

    assertThat(writer.isAlive() || reader.isAlive()).as("threads finished").isFalse();
    assertThat(misses).as("lost entries in %d reads", reads.get()).isEmpty();
    assertThat(rounds.get()).isEqualTo(1500);
    assertThat(reads.get()).isPositive();
    assertThat(map.size()).isEqualTo(stable.length);
  }

  @Test
  void growsPastManyEntriesWithRemovalsInterleaved() {
    WeakIdentityMap<Key, Integer> map = new WeakIdentityMap<>();
    List<Key> keys = new ArrayList<>();
    boolean[] removed = new boolean[5000];
    for (int i = 0; i < removed.length; i++) {
      Key key = new Key("k");
      keys.add(key);
      map.put(key, i);
      if (i % 3 == 2) {
        // Removes an earlier key, leaving removal markers inside probe chains.
        assertThat(map.remove(keys.get(i - 1))).isEqualTo(i - 1);
        removed[i - 1] = true;
      }
    }

    int expected = 0;
    for (int i = 0; i < keys.size(); i++) {
      Integer value = map.get(keys.get(i));
      if (removed[i]) {
        assertThat(value).as("removed key %d", i).isNull();
      } else {
        assertThat(value).as("key %d", i).isEqualTo(i);
        expected++;
      }
    }
    assertThat(expected).isEqualTo(5000 - 1666);
    assertThat(map.size()).isEqualTo(expected);
    assertThat(map.values()).hasSize(expected);
  }

  @Test
  void removingEverythingAndRefillingKeepsLookupsRight() {
    WeakIdentityMap<Key, Integer> map = new WeakIdentityMap<>();
    List<Key> keys = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      for (int i = 0; i < 1000; i++) {
        Key key = new Key("k");
        keys.add(key);
        map.put(key, i);
      }
      for (Key key : keys) {
        map.remove(key);
      }
      keys.clear();
    }
    Key last = new Key("k");
    map.put(last, 42);

    assertThat(map.size()).isEqualTo(1);
    assertThat(map.get(last)).isEqualTo(42);
    assertThat(map.values()).containsExactly(42);
  }

  @Test
  void valuesListsOnlyLiveEntries() {
    WeakIdentityMap<Key, String> map = new WeakIdentityMap<>();
    Key a = new Key("a");
    Key b = new Key("b");
    Key c = new Key("c");
    map.put(a, "A");
    map.put(b, "B");
    map.put(c, "C");
    map.remove(b);

    assertThat(map.values()).containsExactlyInAnyOrder("A", "C");
  }

  @Test
  void collectedKeyHandsItsValueToExpungeStale() {
    WeakIdentityMap<Object, String> map = new WeakIdentityMap<>();
    Object kept = new Object();
    map.put(kept, "kept");
    WeakReference<Object> dropped = putUnreachable(map, "dropped");
    List<String> expunged = new CopyOnWriteArrayList<>();

    Gc.until(() -> {
      map.expungeStale(expunged::add);
      return !expunged.isEmpty();
    }, "the dropped key's value handed to expungeStale");

    assertThat(dropped.get()).isNull();
    assertThat(expunged).containsExactly("dropped");
    assertThat(map.size()).isEqualTo(1);
    assertThat(map.values()).containsExactly("kept");
    assertThat(map.get(kept)).isEqualTo("kept");
  }

  @Test
  void collectedKeyIsHandedOverEvenWhenTheTableWasRebuiltFirst() {
    WeakIdentityMap<Object, String> map = new WeakIdentityMap<>();
    WeakReference<Object> dropped = putUnreachable(map, "dropped");
    Gc.until(() -> dropped.get() == null, "the dropped key collected");
    List<Object> live = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      // Enough inserts to rebuild the table while the collected entry is still in it.
      Object key = new Object();
      live.add(key);
      map.put(key, "live");
    }
    List<String> expunged = new CopyOnWriteArrayList<>();

    Gc.until(() -> {
      map.expungeStale(expunged::add);
      return !expunged.isEmpty();
    }, "the dropped key's value handed to expungeStale after a rebuild");

    assertThat(expunged).containsExactly("dropped");
    assertThat(map.size()).isEqualTo(live.size());
  }

  /** Puts a key that nothing else references; the returned reference tells when it is gone. */
  private static WeakReference<Object> putUnreachable(WeakIdentityMap<Object, String> map, String value) {
    Object key = new Object();
    map.put(key, value);
    return new WeakReference<>(key);
  }
}
