package dev.spillway.it.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.JmxOnDemandApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.JmxClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * The agent never starts the platform MBean server (some 200 classes and several MiB), and
 * registers its MBeans within about a second of whoever starts it: the application, or a JMX
 * client attaching (JConsole, VisualVM). The jdk25-suite profile runs it again on JDK 25.
 */
@Isolated // its assertions bound a duration: the MBeans answer within a bound
class JmxOnDemandIT {

  @Test
  void theMBeansAppearOnceTheApplicationStartsThePlatformServer() {
    try (AgentJvm app = AgentJvm.builder(JmxOnDemandApp.class).start()) {
      app.awaitOutput("READY");
      app.awaitAgentStarted();
      assertThat(app.ask("servers", "SERVERS")).isEqualTo("SERVERS 0");
      long asked = System.nanoTime();
      await().atMost(Duration.ofSeconds(10)).until(() -> app.ask("agent", "AGENT").equals("AGENT true"));
      assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void aJmxClientThatAttachesFindsTheMBeans() throws Exception {
    try (AgentJvm app = AgentJvm.builder(JmxOnDemandApp.class).start()) {
      app.awaitOutput("READY");
      String version = app.awaitAgentStarted().split(" ")[2];
      assertThat(app.ask("servers", "SERVERS")).isEqualTo("SERVERS 0");
      try (JmxClient jmx = JmxClient.connect(app.pid())) {
        assertThat(jmx.get("dev.spillway:type=Agent", "Version")).isEqualTo(version);
        assertThat((String) jmx.get("dev.spillway:type=Rules", "Rules")).isNotNull();
      }
    }
  }

  @Test
  void withJmxOffNothingIsRegistered() {
    try (AgentJvm app = AgentJvm.builder(JmxOnDemandApp.class)
        .property("spillway.jmx.enabled", "false").start()) {
      app.awaitOutput("READY");
      app.awaitAgentStarted();
      app.ask("platform", "PLATFORM");
      // Three housekeeping rounds later, still none.
      await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
          .until(() -> app.ask("agent", "AGENT").equals("AGENT false"));
    }
  }
}
