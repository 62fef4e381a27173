package dev.spillway.agent.launch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.agent.config.SpillwayConfig;
import dev.spillway.agent.executor.ExecutorInstrumentation;
import dev.spillway.agent.executor.jboss.EnhancedQueueExecutorInstrumentation;
import dev.spillway.agent.executor.jetty.JettyThreadPoolInstrumentation;
import dev.spillway.agent.executor.reactor.BoundedElasticInstrumentation;
import dev.spillway.agent.executor.vertx.VertxTaskQueueInstrumentation;
import dev.spillway.agent.vthread.VirtualThreadInstrumentation;
import dev.spillway.agent.executor.tomcat.TomcatExecutorInstrumentation;
import dev.spillway.agent.pool.PoolFamily;
import dev.spillway.agent.queue.QueueInstrumentation;
import dev.spillway.agent.telemetry.Telemetry;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WovenTypesTest {

  @Test
  void theGateHoldsExactlyTheClassesTheFamiliesRewrite() {
    Set<String> rewritten = new HashSet<>();
    rewritten.addAll(new ExecutorInstrumentation().typeNames());
    rewritten.addAll(new TomcatExecutorInstrumentation().typeNames());
    rewritten.addAll(new JettyThreadPoolInstrumentation().typeNames());
    rewritten.addAll(new EnhancedQueueExecutorInstrumentation().typeNames());
    rewritten.addAll(new BoundedElasticInstrumentation().typeNames());
    rewritten.addAll(new VertxTaskQueueInstrumentation().typeNames());
    rewritten.addAll(new VirtualThreadInstrumentation().typeNames());
    rewritten.addAll(new QueueInstrumentation().typeNames());
    SpillwayConfig config = SpillwayConfig.load("", new Properties(), Map.of());
    rewritten.addAll(new PoolFamily(config, Telemetry.noop()).instrumentation().typeNames());

    assertThat(WovenTypes.NAMES).containsExactlyInAnyOrderElementsOf(rewritten);
  }
}
