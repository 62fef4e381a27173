package dev.spillway.it.server;

import static dev.spillway.it.server.ServiceRig.QUOTE;
import static dev.spillway.it.server.ServiceRig.THREADS;
import static dev.spillway.it.server.ServiceRig.TOMCAT_EXECUTOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.MetricsView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service a user runs ({@link ServiceRig}: the example service's executable jar, on one
 * Spring Boot version) under {@code java -javaagent:... -jar}: the pool that serves its requests
 * and the one that lends its connections are series with stable names and exact values while a
 * slow dependency holds every worker, and a shedding rule refuses at the front door.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class AbstractSpringBootServiceIT {

  /** The service's executable jar, built on this test's Spring Boot version. */
  abstract Path serviceJar();

  ServiceRig service;
  private Path rules;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    rules = dir.resolve("rules.yaml");
    Files.writeString(rules, ServerRig.rule("nobody", "nothing-here", 0));
    service = ServiceRig.springBoot(serviceJar(),
        (jvm, receiver) -> jvm.exportTo(receiver).property("spillway.rules", rules.toString()));
    service.app.awaitAgentStarted();
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  @Order(1)
  void itsRequestsRunOnTomcatsPoolAndItsQueriesBorrowFromHikari() throws Exception {
    assertThat(service.get("/orders/1")).startsWith("HTTP/1.1 200")
        .contains("{\"ID\":1,\"ITEM\":\"kettle\",\"QUANTITY\":2}");
    String executor = service.executor;
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = service.receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", executor, "jvm.executor.type",
          TOMCAT_EXECUTOR)).hasValue(THREADS);
      assertThat(m.latest("jvm.executor.thread.core", "jvm.executor.name", executor)).hasValue(THREADS);
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", executor)).hasValue(0);
      assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", executor).orElse(0))
          .isGreaterThanOrEqualTo(1);
      // Spring Boot's pool on its embedded database: the URL's database name is generated, and so is
      // Hikari's own pool name, so the class names it (README, How pools are named).
      assertThat(m.latest("db.client.connection.max", "db.client.connection.pool.name", "HikariPool")).hasValue(10);
      assertThat(m.latest("db.client.connection.count", "db.client.connection.pool.name", "HikariPool",
          "db.client.connection.state", "used")).hasValue(0);
      assertThat(m.latest("db.client.connection.count", "db.client.connection.pool.name", "HikariPool",
          "db.client.connection.state", "idle")).hasValue(10);
      assertThat(m.latestHistogram("db.client.connection.wait_time", "db.client.connection.pool.name", "HikariPool"))
          .hasValueSatisfying(h -> assertThat(h.getCount()).isGreaterThanOrEqualTo(1));
    });
    // Stable across restarts: nothing generated in the pool's name.
    assertThat(service.receiver.metrics().attributeValues("db.client.connection.max",
        "db.client.connection.pool.name")).containsExactly("HikariPool");
  }

  @Test
  @Order(2)
  void aSlowDependencyHoldsEveryWorkerAndQueuesTheRequestsAfterThem() throws Exception {
    List<HttpProbe> held = service.holdEveryWorker();
    List<HttpProbe> queued = service.send(3, "/orders/2");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = service.receiver.metrics();
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", service.executor)).hasValue(3);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", service.executor,
          "jvm.executor.thread.state", "active")).hasValue(THREADS);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", service.executor,
          "jvm.executor.thread.state", "idle")).hasValue(0);
    });
    assertThat(service.priceRequests()).isEqualTo(THREADS);
    service.answer(THREADS);
    for (HttpProbe probe : held) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").contains(QUOTE);
    }
    for (HttpProbe probe : queued) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").contains("\"ITEM\":\"teapot\",\"QUANTITY\":1}");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(service.receiver.metrics()
        .latest("jvm.executor.queue.size", "jvm.executor.name", service.executor)).hasValue(0));
  }

  @Test
  @Order(3)
  void aRuleRefusesAtTheFrontDoorWhileTheDependencyIsSlow() throws Exception {
    int mark = service.app.errorMark();
    Files.writeString(rules, ServerRig.rule("front-door", "http-nio-*-exec", 1));
    service.app.awaitErrorAfter(mark, line -> line.contains("rules from " + rules + ": 1 rule: front-door"),
        Duration.ofSeconds(10));
    List<HttpProbe> held = service.holdEveryWorker();
    // One request may queue (the rule refuses from a queue of one on); the next are refused at
    // once, before any of the service's code runs: the connection closes with no response, as when
    // Tomcat's own pool is full.
    HttpProbe queued = HttpProbe.send(service.port, "/orders/2");
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(service.receiver.metrics()
        .latest("jvm.executor.queue.size", "jvm.executor.name", service.executor)).hasValue(1));
    for (int i = 0; i < 3; i++) {
      assertThat(service.get("/orders/1")).isEqualTo(HttpProbe.CLOSED);
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = service.receiver.metrics();
      assertThat(m.latest("spillway.shed", "spillway.rule.name", "front-door", "spillway.target.kind", "executor",
          "spillway.target.name", service.executor)).hasValue(3);
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", service.executor,
          "jvm.executor.rejection.reason", "shed")).hasValue(3);
    });
    assertThat(service.priceRequests()).isEqualTo(2 * THREADS);
    service.answer(THREADS);
    for (HttpProbe probe : held) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").contains(QUOTE);
    }
    assertThat(queued.response()).startsWith("HTTP/1.1 200");
    // The dependency answers again, the queue is empty: the rule lets requests through.
    assertThat(service.get("/orders/1")).startsWith("HTTP/1.1 200");
  }
}
