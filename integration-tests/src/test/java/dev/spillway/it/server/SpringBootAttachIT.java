package dev.spillway.it.server;

import static dev.spillway.it.server.ServiceRig.QUOTE;
import static dev.spillway.it.server.ServiceRig.THREADS;
import static dev.spillway.it.server.ServiceRig.TOMCAT_EXECUTOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.Cli;
import dev.spillway.it.support.MetricsView;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The service a user runs ({@link ServiceRig}: Spring Boot 3.5, its executable jar), started
 * without Spillway and attached to in the middle of an incident: a slow dependency holds every
 * Tomcat worker and requests queue behind them. The stuck pool is reported as it is in the first
 * export after the attach, though it gets no new request; the connection pool built before the
 * attach at its next borrow; the detach leaves the service serving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringBootAttachIT {

  private ServiceRig service;
  private final List<HttpProbe> held = new ArrayList<>();

  @BeforeAll
  void start() throws Exception {
    service = ServiceRig.springBoot(ServiceRig.boot3Jar(), (jvm, receiver) -> jvm.withoutAgent());
    assertThat(service.get("/orders/1")).startsWith("HTTP/1.1 200");
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  @Order(1)
  void aStuckPoolIsReportedAsItIsInTheFirstExportAfterTheAttach() throws Exception {
    held.addAll(service.holdEveryWorker());
    held.addAll(service.send(2, "/orders/2"));
    // No metric can show the queue before the attach; the requests are sent: Tomcat queues them
    // as its workers are all held (a request that found none would have reached the database).
    Cli.Result attach = Cli.run("attach", Long.toString(service.app.pid()),
        "otel.exporter.otlp.endpoint=" + service.receiver.httpEndpoint(), "otel.metric.export.interval=200");
    assertThat(attach.exitCode).as("%s", attach).isZero();
    long attached = System.nanoTime();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = service.receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", service.executor, "jvm.executor.type",
          TOMCAT_EXECUTOR)).hasValue(THREADS);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", service.executor,
          "jvm.executor.thread.state", "active")).hasValue(THREADS);
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", service.executor)).hasValue(2);
      // Tomcat's utility executor, a JDK one whose workers Tomcat's thread factory wraps: found inside the wrapper.
      assertThat(m.latest("jvm.executor.thread.core", "jvm.executor.name", "Catalina-utility", "jvm.executor.type",
          "java.util.concurrent.ScheduledThreadPoolExecutor")).hasValue(2);
    });
    System.out.printf("attach took %d ms; the stuck pool was reported %d ms after it returned%n",
        attach.millis, (System.nanoTime() - attached) / 1_000_000);
    // No new request reached a worker: found from its threads.
    assertThat(service.priceRequests()).isEqualTo(THREADS);
    // Attached with no service name: the service's own, spring.application.name in its jar.
    assertThat(service.receiver.metrics().serviceNames()).containsExactly("orders");
  }

  @Test
  @Order(2)
  void theConnectionPoolBuiltBeforeTheAttachIsReportedAtItsNextBorrow() throws Exception {
    service.answer(THREADS);
    for (HttpProbe probe : held.subList(0, THREADS)) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").contains(QUOTE);
    }
    for (HttpProbe probe : held.subList(THREADS, held.size())) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").contains("\"ITEM\":\"teapot\",\"QUANTITY\":1}");
    }
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = service.receiver.metrics();
      assertThat(m.latest("db.client.connection.max", "db.client.connection.pool.name", "HikariPool")).hasValue(10);
      assertThat(m.latest("db.client.connection.count", "db.client.connection.pool.name", "HikariPool",
          "db.client.connection.state", "used")).hasValue(0);
      assertThat(m.latest("jvm.executor.queue.size", "jvm.executor.name", service.executor)).hasValue(0);
      assertThat(m.latest("jvm.executor.thread.count", "jvm.executor.name", service.executor,
          "jvm.executor.thread.state", "active")).hasValue(0);
    });
  }

  @Test
  @Order(3)
  void theDetachLeavesTheServiceServing() throws Exception {
    Cli.Result detach = Cli.run("detach", Long.toString(service.app.pid()));
    assertThat(detach.exitCode).as("%s", detach).isZero();
    assertThat(service.get("/orders/1")).startsWith("HTTP/1.1 200").contains("kettle");
    List<HttpProbe> quotes = service.holdEveryWorker();
    service.answer(THREADS);
    for (HttpProbe probe : quotes) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").contains(QUOTE);
    }
  }
}
