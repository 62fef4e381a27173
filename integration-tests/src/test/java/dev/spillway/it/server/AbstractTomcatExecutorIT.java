package dev.spillway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.TomcatServerApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.MetricsView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * An embedded Tomcat under {@code -javaagent}, serving real HTTP to a client on real sockets: its
 * connector's executor (Tomcat's own {@code ThreadPoolExecutor}, 2 threads, queue of 2) is a
 * {@code jvm.executor.*} series named from its threads; its own refusals are counted once each;
 * a shedding rule refuses through Tomcat's own failure path, and the client sees what it sees
 * when the pool is full: the connection closed with no response.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractTomcatExecutorIT {

  static final String TYPE = "org.apache.tomcat.util.threads.ThreadPoolExecutor";

  ServerRig server;
  String name;

  /** The folder under {@code target/pool-libs} with this Tomcat's jars. */
  abstract String libraryFolder();

  /** The JDK to run the server on; null for the one running the tests. */
  Path javaHome() {
    return null;
  }

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    Consumer<AgentJvm.Builder> libraries = ServerRig.libraries(libraryFolder(), "");
    server = ServerRig.underAgent(TomcatServerApp.class, dir,
        javaHome() == null ? libraries : libraries.andThen(builder -> builder.javaHome(javaHome())), "2", "2");
    name = "http-nio-" + server.port + "-exec";
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  @Order(1)
  void theConnectorsPoolIsAnExecutorSeriesNamedByItsThreads() throws Exception {
    assertThat(server.get("/fast")).endsWith("fast done").startsWith("HTTP/1.1 200");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", name, "jvm.executor.type", TYPE))
          .hasValue(2);
      assertThat(m.latest("jvm.executor.thread.core", "jvm.executor.name", name)).hasValue(2);
      assertThat(m.latest("jvm.executor.queue.capacity", "jvm.executor.name", name)).hasValue(2);
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", name)).hasValue(0);
      assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", name)).isPresent();
      assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", name).getAsLong())
          .isGreaterThanOrEqualTo(1);
    });
  }

  @Test
  @Order(2)
  void aFullPoolClosesConnectionsAndEachRefusalIsCountedOnce() throws Exception {
    List<HttpProbe> held = fill(2);
    // Threads and queue full: Tomcat's execute rejects, retries through TaskQueue.force, rejects
    // again; the endpoint closes the connection. Three refusals, each counted once.
    for (int i = 0; i < 3; i++) {
      assertThat(server.get("/fast")).isEqualTo(HttpProbe.CLOSED);
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.receiver.metrics().latest(
        "jvm.executor.task.rejected", "jvm.executor.name", name, "jvm.executor.rejection.reason", "saturated",
        "jvm.executor.rejection.policy", "abort")).hasValue(3));
    // Its TaskQueue, holding 2 now, is part of the executor, not a live queue series of its own
    // (one built the moment before its executor may show once at start-up, with nothing in it).
    assertThat(server.receiver.metrics().series("jvm.queue.size").entrySet())
        .noneMatch(e -> e.getKey().toString().contains("TaskQueue") && e.getValue() > 0);
    drain(held);
    assertThat(server.receiver.metrics().series("jvm.executor.task.rejected")).hasSize(1);
  }

  @Test
  @Order(3)
  void aSheddingRuleRefusesAtTheFrontDoorThroughTomcatsOwnFailurePath() throws Exception {
    int mark = server.app.errorMark();
    server.applyRule("front-door", "http-nio-*-exec", 1);
    List<HttpProbe> held = fill(1);
    for (int i = 0; i < 2; i++) {
      assertThat(server.get("/fast")).isEqualTo(HttpProbe.CLOSED);
    }
    // Tomcat logged its own warning for each, with the rule's message.
    server.app.awaitErrorAfter(mark, line -> line.contains("shed by Spillway rule 'front-door'"), Duration.ofSeconds(10));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", name,
          "jvm.executor.rejection.reason", "shed", "jvm.executor.rejection.policy", "abort")).hasValue(2);
      assertThat(m.latest("spillway.shed", "spillway.rule.name", "front-door", "spillway.target.kind",
          "executor", "spillway.target.name", name)).hasValue(2);
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", name,
          "jvm.executor.rejection.reason", "saturated")).hasValue(3);
    });
    drain(held);
    // The queue is empty again: the rule lets requests through.
    assertThat(server.get("/fast")).startsWith("HTTP/1.1 200");
  }

  /** Holds both threads with slow requests, then queues {@code queued} more; returns them all. */
  private List<HttpProbe> fill(int queued) throws Exception {
    return server.fill(name, 2, queued);
  }

  /** Lets every held request finish; each gets its full response. */
  private void drain(List<HttpProbe> held) throws Exception {
    server.release(held);
    for (HttpProbe probe : held) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").endsWith("slow done");
    }
  }
}
