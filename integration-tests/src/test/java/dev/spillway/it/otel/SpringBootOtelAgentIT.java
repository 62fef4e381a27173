package dev.spillway.it.otel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.server.HttpProbe;
import dev.spillway.it.server.ServiceRig;
import dev.spillway.it.support.MetricsView;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole stack a user runs: the example Spring Boot service's executable jar
 * ({@link ServiceRig}) with the OpenTelemetry Java agent and Spillway, both exporting to one
 * receiver. Its connection pool is emptied the common way, by transactions that keep their
 * connection while a slow dependency answers; the next request's borrow times out. Spillway's
 * acquire span lands inside that agent's SERVER span of the request, the timeout is an event on
 * both, and the pool's series say what happened.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpringBootOtelAgentIT {

  /** Connections in the pool; each held reservation keeps one. */
  static final int CONNECTIONS = 2;

  private ServiceRig service;

  @BeforeAll
  void start() throws Exception {
    assertThat(OtelAgentIT.OTEL_AGENT).as("the OpenTelemetry Java agent, copied by the build").isRegularFile();
    // No service name the OpenTelemetry way: both agents name the service from its spring.application.name.
    service = ServiceRig.springBoot(ServiceRig.boot3Jar(), (jvm, receiver) -> jvm.exportTo(receiver)
        .withoutProperty("otel.service.name")
        .property("otel.logs.exporter", "none")
        .jvmArg("-javaagent:" + OtelAgentIT.OTEL_AGENT.toAbsolutePath())
        .args("--spring.datasource.hikari.maximum-pool-size=" + CONNECTIONS,
            "--spring.datasource.hikari.connection-timeout=1000"));
    service.app.awaitAgentStarted();
  }

  @AfterAll
  void stop() {
    service.close();
  }

  @Test
  void aBorrowThatTimesOutIsASpanInsideTheRequestsTraceAndCountedOnce() throws Exception {
    List<HttpProbe> reservations = List.of(service.hold("POST", "/orders/1/reservation"),
        service.hold("POST", "/orders/2/reservation"));
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(service.receiver.metrics()
        .latest("db.client.connection.count", "db.client.connection.pool.name", "HikariPool",
            "db.client.connection.state", "used")).hasValue(CONNECTIONS));

    // Every connection is kept by a transaction that waits on the pricing service: Hikari's own
    // timeout (1 s here), which Spring answers with a 500.
    assertThat(service.get("/orders/1")).startsWith("HTTP/1.1 500");

    Span server = awaitSpan(() -> OtelAgentIT.serverSpan(service.receiver, "/orders/1"),
        "the OpenTelemetry agent's SERVER span of GET /orders/1");
    assertThat(OtelAgentIT.attribute(server, "http.route")).isEqualTo("/orders/{id}");
    Span acquire = awaitSpan(() -> OtelAgentIT.first(service.receiver, span -> span.getName()
        .equals("db.client.connection.acquire") && span.getTraceId().equals(server.getTraceId())),
        "Spillway's acquire span in the request's trace");
    assertThat(OtelAgentIT.hex(acquire.getParentSpanId())).as("parent of the acquire span")
        .isEqualTo(OtelAgentIT.hex(server.getSpanId()));
    assertThat(OtelAgentIT.attribute(acquire, "db.client.connection.pool.name")).isEqualTo("HikariPool");
    assertThat(OtelAgentIT.attribute(acquire, "spillway.pool.acquire.outcome")).isEqualTo("timeout");
    assertThat(OtelAgentIT.duration(acquire)).as("it waited for Hikari's timeout").isGreaterThanOrEqualTo(900_000_000L);
    assertThat(acquire.getEventsList()).extracting(Span.Event::getName).containsExactly("db.client.connection.timeout");
    assertThat(server.getEventsList()).extracting(Span.Event::getName).contains("db.client.connection.timeout");

    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = service.receiver.metrics();
      assertThat(m.latest("db.client.connection.timeouts", "db.client.connection.pool.name", "HikariPool")).hasValue(1);
      assertThat(m.latest("db.client.connection.max", "db.client.connection.pool.name", "HikariPool"))
          .hasValue(CONNECTIONS);
    });

    service.answer(CONNECTIONS);
    assertThat(reservations.get(0).response()).startsWith("HTTP/1.1 200").contains("reserved kettle x2 at 9.99");
    assertThat(reservations.get(1).response()).startsWith("HTTP/1.1 200").contains("reserved teapot x1 at 9.99");
    assertThat(service.get("/orders/1")).startsWith("HTTP/1.1 200");
    // Both agents' metrics arrive (Spillway's executors, the agent's server requests), under one
    // service: the application's spring.application.name.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(service.receiver.metrics().allNames())
        .contains("dev.spillway.executor jvm.executor.queue.size")
        .anyMatch(name -> name.endsWith(" http.server.request.duration")));
    assertThat(service.receiver.metrics().serviceNames()).containsExactly("orders");
    assertThat(OtelAgentIT.otelAgentProblems(service.app)).as("the OpenTelemetry agent's warnings").isEmpty();
  }

  private <T> T awaitSpan(Supplier<T> lookup, String what) {
    return OtelAgentIT.awaitFound(lookup, () -> "no " + what + " within 30 s\n" + service.app);
  }
}
