package dev.spillway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.Libraries;
import dev.spillway.it.support.OtlpReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * One embedded server of a test, started as users start it: its JVM (under the agent, or without
 * it for a test that attaches), the OTLP receiver the agent exports to, the server's port and,
 * under the agent, the rules file the agent watches. Also what every server test does with them:
 * hold the worker pool with slow requests, switch a shedding rule on and off, attach.
 *
 * <p>The server applications ({@code apps/*ServerApp}) take the port as their first argument,
 * print {@code READY} once they serve, hold a {@code GET /slow} (printing {@code IN_SLOW <n>})
 * until told {@code release <n>}, and answer {@code GET /fast} at once.
 */
final class ServerRig implements AutoCloseable {

  final OtlpReceiver receiver;
  final AgentJvm app;
  final int port;
  /** The rules file the agent watches; null for a server started without the agent. */
  private final Path rules;

  private ServerRig(OtlpReceiver receiver, AgentJvm app, int port, Path rules) {
    this.receiver = receiver;
    this.app = app;
    this.port = port;
    this.rules = rules;
  }

  /**
   * Starts {@code server} under the agent, which watches a rules file in {@code dir} (at first a
   * rule that matches nothing), and waits until it serves.
   */
  static ServerRig underAgent(Class<?> server, Path dir, Consumer<AgentJvm.Builder> setup, String... args)
      throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, rule("nobody", "nothing-here", 0));
    OtlpReceiver receiver = OtlpReceiver.start();
    int port = HttpProbe.freePort();
    AgentJvm.Builder builder = AgentJvm.builder(server).exportTo(receiver).testClasspath()
        .property("spillway.rules", rules.toString()).args(arguments(port, args));
    setup.accept(builder);
    AgentJvm app = builder.start();
    app.awaitAgentStarted();
    app.awaitOutput("READY");
    return new ServerRig(receiver, app, port, rules);
  }

  /** Starts {@code server} without the agent, and waits until it has served a first request. */
  static ServerRig withoutAgent(Class<?> server, Consumer<AgentJvm.Builder> setup, String... args)
      throws Exception {
    OtlpReceiver receiver = OtlpReceiver.start();
    int port = HttpProbe.freePort();
    AgentJvm.Builder builder = AgentJvm.builder(server).withoutAgent().testClasspath().args(arguments(port, args));
    setup.accept(builder);
    AgentJvm app = builder.start();
    app.awaitOutput("READY");
    ServerRig rig = new ServerRig(receiver, app, port, null);
    assertThat(rig.get("/fast")).startsWith("HTTP/1.1 200");
    return rig;
  }

  private static String[] arguments(int port, String... args) {
    List<String> all = new ArrayList<>();
    all.add(Integer.toString(port));
    all.addAll(List.of(args));
    return all.toArray(new String[0]);
  }

  /** A setup that puts the jars of {@code target/pool-libs/<folder>} named {@code prefix...} on the class path. */
  static Consumer<AgentJvm.Builder> libraries(String folder, String prefix) {
    return builder -> Libraries.pool(folder, prefix).forEach(builder::classpath);
  }

  /** A rules file of one executor rule: refuse at {@code match}'s pools once {@code queue.size >= queueSize}. */
  static String rule(String ruleName, String match, int queueSize) {
    return String.join("\n",
        "rules:",
        "  - name: " + ruleName,
        "    target: executor",
        "    match: \"" + match + "\"",
        "    when:",
        "      queue.size: \">= " + queueSize + "\"",
        "    action: reject",
        "");
  }

  /** Puts {@link #rule} in force, and waits until the agent says it read it. */
  void applyRule(String ruleName, String match, int queueSize) throws Exception {
    int mark = app.errorMark();
    Files.writeString(rules, rule(ruleName, match, queueSize));
    app.awaitErrorAfter(mark, line -> line.contains("rules from " + rules + ": 1 rule: " + ruleName),
        Duration.ofSeconds(10));
  }

  /** Back to the rule that matches nothing. */
  void clearRules() throws Exception {
    applyRule("nobody", "nothing-here", 0);
  }

  /** Attaches the agent with the command line of {@code javaHome} (null: the tests' own), exporting here. */
  void attach(Path javaHome) {
    String[] args = {"attach", Long.toString(app.pid()), "otel.exporter.otlp.endpoint=" + receiver.httpEndpoint(),
        "otel.metric.export.interval=200"};
    Cli.Result attach = javaHome == null ? Cli.run(args) : Cli.run(javaHome, args);
    assertThat(attach.exitCode).as("%s", attach).isZero();
  }

  /** A whole {@code GET} of {@code path}: the response, or {@link HttpProbe#CLOSED}. */
  String get(String path) throws Exception {
    return HttpProbe.get(port, path);
  }

  /** How long a queued request may be neither queued nor refused before it is sent again. */
  private static final long LOST_NANOS = 3_000_000_000L;

  /**
   * Holds {@code threads} workers of the pool {@code name} with {@code GET /slow}, one request at
   * a time (a server may hand even an idle thread its task through the queue, so two sent together
   * may meet a queue of one, which a shedding test's rule refuses), then queues {@code queued} more,
   * and waits until the pool's series shows them queued. A queued request the server refused
   * (closed without a response) is sent again: the server queues jobs of its own in the same pool,
   * and one of them in the queue at that moment makes a full queue, or a one-slot rule, refuse it.
   * When none shows queued and none was refused {@link #LOST_NANOS} after they were sent (Jetty
   * once kept such a connection open with no job of it in the queue), they are closed and sent again.
   */
  List<HttpProbe> fill(String name, int threads, int queued) throws Exception {
    List<HttpProbe> held = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      held.add(hold());
    }
    List<HttpProbe> waiting = new ArrayList<>();
    for (int i = 0; i < queued; i++) {
      waiting.add(HttpProbe.send(port, "/slow"));
    }
    long[] sentAt = {System.nanoTime()};
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      for (int i = 0; i < waiting.size(); i++) {
        if (waiting.get(i).refused()) {
          waiting.set(i, HttpProbe.send(port, "/slow"));
          sentAt[0] = System.nanoTime();
        }
      }
      OptionalLong shown = receiver.metrics().latest("jvm.executor.queue.size", "jvm.executor.name", name);
      if (shown.orElse(0) == 0 && System.nanoTime() - sentAt[0] > LOST_NANOS) {
        // None queued, none refused, 3 s after they were sent (exports come every 200 ms): the server
        // has not queued them and has not closed their connections. Given up, and sent again.
        for (int i = 0; i < waiting.size(); i++) {
          waiting.get(i).close();
          waiting.set(i, HttpProbe.send(port, "/slow"));
        }
        sentAt[0] = System.nanoTime();
      }
      assertThat(shown).hasValue(queued);
    });
    held.addAll(waiting);
    return held;
  }

  /** One {@code GET /slow}, returned once a worker runs it. */
  HttpProbe hold() throws Exception {
    int mark = app.outputMark();
    HttpProbe probe = HttpProbe.send(port, "/slow");
    app.awaitOutputAfter(mark, line -> line.startsWith("IN_SLOW"), Duration.ofSeconds(10));
    return probe;
  }

  /** Lets {@code held} requests go; the caller reads their responses. */
  void release(List<HttpProbe> held) throws Exception {
    app.send("release " + held.size());
  }

  @Override
  public void close() {
    AgentJvm.finish(app, receiver);
  }
}
