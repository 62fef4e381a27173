package dev.spillway.it.apps.pools;

import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;

/** Makes the pooled objects of {@code ObjectPoolApp}: not connections, just reusable buffers. */
public final class ChannelFactory extends BasePooledObjectFactory<StringBuilder> {

  @Override
  public StringBuilder create() {
    return new StringBuilder("channel");
  }

  @Override
  public PooledObject<StringBuilder> wrap(StringBuilder channel) {
    return new DefaultPooledObject<>(channel);
  }
}
