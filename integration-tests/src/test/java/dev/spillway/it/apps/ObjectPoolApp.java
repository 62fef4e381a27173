package dev.spillway.it.apps;

import dev.spillway.it.apps.pools.ChannelFactory;
import dev.spillway.it.apps.pools.KeyedChannelFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.pool2.impl.GenericKeyedObjectPool;
import org.apache.commons.pool2.impl.GenericKeyedObjectPoolConfig;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * A commons-pool2 pool of two objects that are not connections: hold both, start two borrowers
 * that wait, try once more, give one back; the other borrower times out. Arguments: the maximum
 * wait in ms, and {@code plain} (a {@code GenericObjectPool}) or {@code keyed} (a
 * {@code GenericKeyedObjectPool} of one object per key and two in all: the held objects are one
 * of key "a" and one of "b", the borrowers wait for "a").
 */
public final class ObjectPoolApp {

  /** The pool, whichever kind: borrowers ask for key "a" unless told otherwise. */
  interface Pool {
    StringBuilder borrow(String key) throws Exception;

    void giveBack(String key, StringBuilder item) throws Exception;

    /** Objects the pool has made, by its own count. */
    long created();

    void close();
  }

  public static void main(String[] args) throws Exception {
    Scenario.await("go");
    Duration maxWait = Duration.ofMillis(Integer.parseInt(args[0]));
    Pool pool = args.length > 1 && args[1].equals("keyed") ? keyed(maxWait) : plain(maxWait);
    List<StringBuilder> held = new CopyOnWriteArrayList<>();
    Scenario.say("READY");
    while (true) {
      String command = Scenario.next();
      switch (command) {
        case "hold":
          held.add(pool.borrow("a"));
          held.add(pool.borrow("b"));
          Scenario.say("HELD " + held.size());
          break;
        case "wait":
          for (int i = 1; i <= 2; i++) {
            int n = i;
            Thread borrower = new Thread(() -> {
              try {
                held.add(pool.borrow("a"));
                Scenario.say("GOT " + n);
              } catch (Exception e) {
                Scenario.say("FAILED " + n + " " + e.getClass().getName());
              }
            });
            borrower.setDaemon(true);
            borrower.start();
          }
          break;
        case "try": {
          long start = System.nanoTime();
          try {
            held.add(pool.borrow("a"));
            Scenario.say("TRY ok");
          } catch (Exception e) {
            Scenario.say("TRY " + e.getClass().getName() + " " + (System.nanoTime() - start) / 1_000_000 + " "
                + e.getMessage());
          }
          break;
        }
        case "release":
          // The first one held: of key "a".
          pool.giveBack("a", held.remove(0));
          Scenario.say("RELEASED");
          break;
        case "created":
          Scenario.say("CREATED " + pool.created());
          break;
        case "exit":
          pool.close();
          System.exit(0);
          break;
        default:
          Scenario.say("UNKNOWN " + command);
      }
    }
  }

  private static Pool plain(Duration maxWait) {
    GenericObjectPoolConfig<StringBuilder> config = new GenericObjectPoolConfig<>();
    config.setMaxTotal(2);
    config.setMaxIdle(2);
    config.setMaxWait(maxWait);
    config.setJmxEnabled(false);
    GenericObjectPool<StringBuilder> pool = new GenericObjectPool<>(new ChannelFactory(), config);
    return new Pool() {
      @Override public StringBuilder borrow(String key) throws Exception { return pool.borrowObject(); }
      @Override public void giveBack(String key, StringBuilder item) { pool.returnObject(item); }
      @Override public long created() { return pool.getCreatedCount(); }
      @Override public void close() { pool.close(); }
    };
  }

  private static Pool keyed(Duration maxWait) {
    GenericKeyedObjectPoolConfig<StringBuilder> config = new GenericKeyedObjectPoolConfig<>();
    config.setMaxTotalPerKey(1);
    config.setMaxTotal(2);
    config.setMaxWait(maxWait);
    config.setJmxEnabled(false);
    GenericKeyedObjectPool<String, StringBuilder> pool = new GenericKeyedObjectPool<>(new KeyedChannelFactory(), config);
    return new Pool() {
      @Override public StringBuilder borrow(String key) throws Exception { return pool.borrowObject(key); }
      @Override public void giveBack(String key, StringBuilder item) { pool.returnObject(key, item); }
      @Override public long created() { return pool.getCreatedCount(); }
      @Override public void close() { pool.close(); }
    };
  }
}
