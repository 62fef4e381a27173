package dev.spillway.it.httpclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.HttpClientApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Libraries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** The steps of {@link HttpClientApp} every HTTP client test takes. */
final class HttpClientScenario {

  private HttpClientScenario() {}

  /**
   * The application with {@code client}'s factory, a pool of {@code size}, the client's timeout,
   * and on its class path the jars of {@code target/pool-libs/<jars>}, slf4j (HttpClient 5 logs
   * through it) and its own OpenTelemetry SDK.
   */
  static AgentJvm.Builder application(String client, String jars, int size, int timeoutMillis) {
    AgentJvm.Builder builder = AgentJvm.builder(HttpClientApp.class)
        .args(client, Integer.toString(size), Integer.toString(timeoutMillis));
    Libraries.pool(jars, "").forEach(builder::classpath);
    Libraries.pool("common", "slf4j").forEach(builder::classpath);
    Libraries.openTelemetry().forEach(builder::classpath);
    return builder;
  }

  /** Writes a rules file in {@code dir} with one rule on {@code pool}: refuse while {@code pending} leases wait. */
  static Path pendingRule(Path dir, String rule, String pool, int pending) throws IOException {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, String.join("\n",
        "rules:",
        "  - name: " + rule,
        "    target: pool",
        "    match: \"" + pool + "\"",
        "    when:",
        "      pending: \">= " + pending + "\"",
        ""));
    return rules;
  }

  /** The application's factory class for {@code client}: the code that first uses the pool, so its name. */
  static String factoryName(String client) {
    return "dev.spillway.it.apps.httpclients." + Character.toUpperCase(client.charAt(0)) + client.substring(1)
        + "Factory";
  }

  /**
   * Starts the client, holds every one of its {@code size} connections (or dispatcher slots) and
   * starts {@code waiting} more requests, which must wait.
   */
  static void holdAllAndWait(AgentJvm app, int size, int waiting) {
    app.send("go");
    app.awaitOutput("READY");
    assertThat(app.ask("hold", "HELD")).isEqualTo("HELD " + size);
    app.send("wait " + waiting);
    for (int i = 0; i < waiting; i++) {
      app.awaitOutput("BORROWER " + (i + 1) + " ");
    }
  }

  /** Answers every held request; the {@code waiting} ones then reach the server. */
  static void releaseAll(AgentJvm app, int waiting) {
    assertThat(app.ask("release-all", "RELEASED")).isEqualTo("RELEASED all");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
        assertThat(app.stdout().stream().filter(line -> line.startsWith("GOT "))).hasSize(waiting));
  }
}
