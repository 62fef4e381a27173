package dev.spillway.it.apps;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/**
 * A program that uses no JMX until told. {@code servers} prints {@code SERVERS <n>}, the MBean
 * servers built in this JVM so far (the agent must not have built one); {@code platform} starts the
 * platform MBean server and prints {@code PLATFORM}; {@code agent} prints {@code AGENT <registered>}
 * for the agent's MBean.
 */
public final class JmxOnDemandApp {

  public static void main(String[] args) throws Exception {
    Scenario.say("READY");
    while (true) {
      String command = Scenario.next();
      if (command.equals("servers")) {
        Scenario.say("SERVERS " + MBeanServerFactory.findMBeanServer(null).size());
      } else if (command.equals("platform")) {
        ManagementFactory.getPlatformMBeanServer();
        Scenario.say("PLATFORM");
      } else if (command.equals("agent")) {
        Scenario.say("AGENT " + ManagementFactory.getPlatformMBeanServer()
            .isRegistered(new ObjectName("dev.spillway:type=Agent")));
      } else if (command.equals("exit")) {
        System.exit(0);
      }
    }
  }
}
