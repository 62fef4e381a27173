package dev.spillway.it.support;

import static org.awaitility.Awaitility.await;

import com.sun.tools.attach.VirtualMachine;
import java.time.Duration;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/** JMX into a forked JVM over its local attach connection, as the command line does. */
public final class JmxClient implements AutoCloseable {

  private final JMXConnector connector;
  private final MBeanServerConnection connection;

  private JmxClient(JMXConnector connector) throws Exception {
    this.connector = connector;
    this.connection = connector.getMBeanServerConnection();
  }

  /**
   * Connects, starting the JVM's local management agent (and with it the platform MBean server),
   * and waits until the agent has registered its MBeans there: it does so within about a second of
   * the server's start, never starting the server itself.
   */
  public static JmxClient connect(long pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
    JmxClient client;
    try {
      String address = vm.startLocalManagementAgent();
      client = new JmxClient(JMXConnectorFactory.connect(new JMXServiceURL(address)));
    } finally {
      vm.detach();
    }
    ObjectName agent = new ObjectName("dev.spillway:type=Agent");
    await().atMost(Duration.ofSeconds(10)).until(() -> client.connection.isRegistered(agent));
    return client;
  }

  public Object get(String objectName, String attribute) throws Exception {
    return connection.getAttribute(new ObjectName(objectName), attribute);
  }

  public Object invoke(String objectName, String operation, Object[] args, String[] types) throws Exception {
    return connection.invoke(new ObjectName(objectName), operation, args, types);
  }

  @Override
  public void close() throws Exception {
    connector.close();
  }
}
