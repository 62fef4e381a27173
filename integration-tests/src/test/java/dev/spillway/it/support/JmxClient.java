package dev.spillway.it.support;

import com.sun.tools.attach.VirtualMachine;
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

  public static JmxClient connect(long pid) throws Exception {
    VirtualMachine vm = VirtualMachine.attach(Long.toString(pid));
    try {
      String address = vm.startLocalManagementAgent();
      return new JmxClient(JMXConnectorFactory.connect(new JMXServiceURL(address)));
    } finally {
      vm.detach();
    }
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
