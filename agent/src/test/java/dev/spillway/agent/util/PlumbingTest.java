package dev.spillway.agent.util;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.javaagent.bootstrap.AgentClassLoader;
import java.util.concurrent.ThreadFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlumbingTest {

  /** A thread factory as an agent's SDK has one. */
  public static final class Factory implements ThreadFactory {
    @Override
    public Thread newThread(Runnable task) {
      return new Thread(task);
    }
  }

  @AfterEach
  void reset() {
    Plumbing.track(false);
  }

  @Test
  void classesOfAnotherAgentsLoaderOfJmxRmiAndSlf4jBootstrapAreIgnored() throws Exception {
    Class<?> agents = new AgentClassLoader(PlumbingTest.class.getClassLoader()).defineHere(Factory.class.getName());
    assertThat(Plumbing.ignored(agents)).isTrue();
    assertThat(Plumbing.ignored(javax.management.MBeanServer.class)).isTrue();
    assertThat(Plumbing.ignored(java.rmi.Remote.class)).isTrue();
    assertThat(Plumbing.ignored((Class<?>) null)).isFalse();
    assertThat(Plumbing.ignored(Factory.class)).as("the same class in the application's loader").isFalse();
    assertThat(Plumbing.ignored(java.util.concurrent.ThreadPoolExecutor.class)).isFalse();
  }

  @Test
  void theSettingTracksThem() throws Exception {
    Plumbing.track(true);
    Class<?> agents = new AgentClassLoader(PlumbingTest.class.getClassLoader()).defineHere(Factory.class.getName());
    assertThat(Plumbing.ignored(agents)).isFalse();
    assertThat(Plumbing.ignored(javax.management.MBeanServer.class)).isFalse();
  }
}
