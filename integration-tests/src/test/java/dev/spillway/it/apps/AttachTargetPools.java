package dev.spillway.it.apps;

import dev.spillway.it.apps.pools.ChannelFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;

/**
 * The commons-pool2 pools of {@link AttachTargetApp}, in a class of their own so that the app
 * runs without commons-pool2 on its class path until a pool command comes.
 */
final class AttachTargetPools {

  private final List<GenericObjectPool<StringBuilder>> pools = new ArrayList<>();
  private final List<StringBuilder> held = new ArrayList<>();

  /** Builds {@code n} more pools of two objects, and borrows and returns one object of each. */
  int build(int n) throws Exception {
    for (int i = 0; i < n; i++) {
      GenericObjectPoolConfig<StringBuilder> config = new GenericObjectPoolConfig<>();
      config.setMaxTotal(2);
      config.setJmxEnabled(false);
      GenericObjectPool<StringBuilder> pool = new GenericObjectPool<>(new ChannelFactory(), config);
      pool.returnObject(pool.borrowObject());
      pools.add(pool);
    }
    return pools.size();
  }

  /** Borrows one object from the first pool and keeps it. */
  int holdFromFirst() throws Exception {
    held.add(pools.get(0).borrowObject());
    return pools.get(0).getNumActive();
  }
}
