package dev.spillway.it.apps;

import dev.spillway.it.apps.pools.ChannelFactory;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * A plain commons-pool2 pool of two objects that are not connections: hold both, start two
 * borrowers that wait, try once more, give one back; the other borrower times out.
 */
public final class ObjectPoolApp {

  public static void main(String[] args) throws Exception {
    Scenario.await("go");
    GenericObjectPoolConfig<StringBuilder> config = new GenericObjectPoolConfig<>();
    config.setMaxTotal(2);
    config.setMaxIdle(2);
    config.setMaxWait(Duration.ofMillis(Integer.parseInt(args[0])));
    config.setJmxEnabled(false);
    GenericObjectPool<StringBuilder> pool = new GenericObjectPool<>(new ChannelFactory(), config);
    List<StringBuilder> held = new CopyOnWriteArrayList<>();
    Scenario.say("READY");
    while (true) {
      String command = Scenario.next();
      switch (command) {
        case "hold":
          held.add(pool.borrowObject());
          held.add(pool.borrowObject());
          Scenario.say("HELD " + held.size());
          break;
        case "wait":
          for (int i = 1; i <= 2; i++) {
            int n = i;
            Thread borrower = new Thread(() -> {
              try {
                held.add(pool.borrowObject());
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
            held.add(pool.borrowObject());
            Scenario.say("TRY ok");
          } catch (Exception e) {
            Scenario.say("TRY " + e.getClass().getName() + " " + (System.nanoTime() - start) / 1_000_000 + " "
                + e.getMessage());
          }
          break;
        }
        case "release":
          pool.returnObject(held.remove(0));
          Scenario.say("RELEASED");
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
}
