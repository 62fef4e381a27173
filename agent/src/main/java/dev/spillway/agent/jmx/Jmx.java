package dev.spillway.agent.jmx;

import dev.spillway.agent.AgentLog;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** Registers the agent's MBeans in the platform MBean server, and takes them away again. */
public final class Jmx {

  private final List<ObjectName> registered = new ArrayList<>();

  /** Registers {@code mbean} as {@code name}; a failure is one warning, never an error. */
  public synchronized void register(String name, Object mbean) {
    try {
      MBeanServer server = ManagementFactory.getPlatformMBeanServer();
      ObjectName objectName = new ObjectName(name);
      if (server.isRegistered(objectName)) {
        server.unregisterMBean(objectName);
      }
      server.registerMBean(mbean, objectName);
      registered.add(objectName);
    } catch (Throwable t) {
      AgentLog.warn("cannot register MBean " + name + " (the rest works): " + t);
    }
  }

  public synchronized void unregisterAll() {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    for (ObjectName name : registered) {
      try {
        server.unregisterMBean(name);
      } catch (Throwable ignored) {
        // already gone
      }
    }
    registered.clear();
  }
}
