package dev.spillway.it.server;

import static dev.spillway.it.server.ServiceRig.QUOTE;
import static dev.spillway.it.server.ServiceRig.THREADS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.MetricsView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Spring Boot 4.0.7: Tomcat 11, HikariCP 7, and Apache HttpClient 5 on the class path, which
 * Spring's {@code RestClient} then calls the pricing service through.
 */
class SpringBoot4ServiceIT extends AbstractSpringBootServiceIT {

  /** The application class that calls through Spring's RestClient, not Spring's own classes. */
  static final String PRICING_POOL = "dev.spillway.examples.boot.Pricing";

  @Override
  Path serviceJar() {
    return ServiceRig.boot4Jar();
  }

  @Test
  @Order(4)
  void itsPricingCallsLeaseFromHttpClientsPoolNamedAfterTheApplicationClass() throws Exception {
    List<HttpProbe> held = service.holdEveryWorker();
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = service.receiver.metrics();
      // HttpClient 5's defaults, as Spring Boot builds the pool.
      assertThat(m.latest("http.client.connection.max", "http.client.connection.pool.name", PRICING_POOL)).hasValue(25);
      assertThat(m.latest("http.client.connection.max_per_route", "http.client.connection.pool.name", PRICING_POOL))
          .hasValue(5);
      assertThat(m.latest("http.client.open_connections", "http.client.connection.pool.name", PRICING_POOL,
          "http.connection.state", "active")).hasValue(THREADS);
    });
    service.answer(THREADS);
    for (HttpProbe probe : held) {
      assertThat(probe.response()).startsWith("HTTP/1.1 200").contains(QUOTE);
    }
    // One pool, one name: none of Spring's classes, so a second client gets its own caller's name.
    assertThat(service.receiver.metrics().attributeValues("http.client.connection.max",
        "http.client.connection.pool.name")).containsExactly(PRICING_POOL);
  }
}
