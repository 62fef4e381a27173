package dev.spillway.it.apps.pools;

import org.apache.commons.pool2.BaseKeyedPooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;

/** Makes the pooled objects of {@code ObjectPoolApp}'s keyed pool: a buffer per key. */
public final class KeyedChannelFactory extends BaseKeyedPooledObjectFactory<String, StringBuilder> {

  @Override
  public StringBuilder create(String key) {
    return new StringBuilder("channel-").append(key);
  }

  @Override
  public PooledObject<StringBuilder> wrap(StringBuilder channel) {
    return new DefaultPooledObject<>(channel);
  }
}
