package dev.spillway.agent.jmx;

import dev.spillway.agent.AgentLog;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/**
 * Registers the agent's MBeans in the platform MBean server once that server exists, and takes
 * them away again.
 *
 * <p>The agent never starts the platform MBean server itself: starting it loads some 200 classes of
 * the JDK's JMX and registers the platform's MXBeans (on JDK 25 the diagnostic command MBean also
 * parses the JFR configuration files), several MiB for a JVM nobody looks at over JMX. Whatever
 * starts it, the application, a JMX agent ({@code -Dcom.sun.management.jmxremote}) or JConsole and
 * VisualVM attaching (which start the JVM's local management agent), {@link #registerIfServerUp},
 * run once a second, finds it and registers the MBeans then.
 */
public final class Jmx {

  /** What to register, by name, in the order asked; registered or not yet. */
  private final Map<String, Object> wanted = new LinkedHashMap<>();
  private final List<ObjectName> registered = new ArrayList<>();

  /**
   * Registers {@code mbean} as {@code name} if the platform MBean server runs, otherwise as soon
   * as it does; a failure is one warning, never an error.
   */
  public synchronized void register(String name, Object mbean) {
    wanted.put(name, mbean);
    registerIfServerUp();
  }

  /**
   * Registers what waits if the platform MBean server has been started meanwhile. Asks the JDK's
   * MBean server factory, which lists every server built through it, the platform's included: it
   * never starts one. (An application that builds an MBean server of its own through that factory
   * and never the platform's has the platform's started here, as before this waited.)
   */
  public synchronized void registerIfServerUp() {
    MBeanServer server;
    try {
      if (wanted.isEmpty() || MBeanServerFactory.findMBeanServer(null).isEmpty()) {
        return;
      }
      server = ManagementFactory.getPlatformMBeanServer();
    } catch (Throwable t) {
      AgentLog.warn("cannot register MBeans " + wanted.keySet() + " (the rest works): " + t);
      wanted.clear();
      return;
    }
    for (Map.Entry<String, Object> entry : wanted.entrySet()) {
      try {
        ObjectName objectName = new ObjectName(entry.getKey());
        if (server.isRegistered(objectName)) {
          server.unregisterMBean(objectName);
        }
        server.registerMBean(entry.getValue(), objectName);
        registered.add(objectName);
      } catch (Throwable t) {
        AgentLog.warn("cannot register MBean " + entry.getKey() + " (the rest works): " + t);
      }
    }
    wanted.clear();
  }

  public synchronized void unregisterAll() {
    wanted.clear();
    if (registered.isEmpty()) {
      return;
    }
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
