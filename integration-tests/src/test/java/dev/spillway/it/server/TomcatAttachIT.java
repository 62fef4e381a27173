package dev.spillway.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.TomcatServerApp;
import dev.spillway.it.support.Cli;
import dev.spillway.it.support.MetricsView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Tomcat 10.1 started without Spillway, serving, then attached. Its executor class is left as it
 * is, so that its running workers keep their compiled loop (the JVM's class-redefinition log must
 * not name it); the connector's executor is found from its worker threads, named from them, its
 * refusals counted once each, and a rule applied later sheds at its work queue.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TomcatAttachIT {

  static final String EXECUTOR = "org.apache.tomcat.util.threads.ThreadPoolExecutor";

  ServerRig server;
  String name;
  Path dir;
  Path redefinitions;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    redefinitions = dir.resolve("redefined.log");
    server = ServerRig.withoutAgent(TomcatServerApp.class, ServerRig.libraries("tomcat-embed10", "")
        .andThen(builder -> builder.jvmArg("-Xlog:redefine+class+load=info:file=" + redefinitions)), "1", "1");
    name = "http-nio-" + server.port + "-exec";
    server.attach(null);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  @Test
  @Order(1)
  void aServingTomcatIsFoundFromItsThreadsAndItsExecutorClassIsNotRedefined() throws Exception {
    // No request since the attach: found from its worker threads.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.thread.limit", "jvm.executor.name", name, "jvm.executor.type",
          AbstractTomcatExecutorIT.TYPE)).hasValue(1);
      assertThat(m.latest("jvm.executor.queue.capacity", "jvm.executor.name", name)).hasValue(1);
    });
    assertThat(server.get("/fast")).startsWith("HTTP/1.1 200");
    List<String> redefined = Files.readAllLines(redefinitions).stream()
        .filter(line -> line.contains("redefined name="))
        .map(line -> line.replaceAll(".*redefined name=([^,]+),.*", "$1"))
        .collect(Collectors.toList());
    assertThat(redefined).contains(EXECUTOR + "$Worker", "org.apache.tomcat.util.threads.TaskQueue",
        "java.util.concurrent.LinkedBlockingQueue");
    assertThat(redefined).doesNotContain(EXECUTOR);
  }

  @Test
  @Order(2)
  void itsRefusalsAreCountedOnceEach() throws Exception {
    // One thread held, one request queued, the next two refused: the connection closed, each
    // refusal counted once (Tomcat's retry through TaskQueue.force is not a second one).
    HttpProbe[] held = holdOneAndQueueOne();
    assertThat(server.get("/fast")).isEqualTo(HttpProbe.CLOSED);
    assertThat(server.get("/fast")).isEqualTo(HttpProbe.CLOSED);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(server.receiver.metrics().latest(
        "jvm.executor.task.rejected", "jvm.executor.name", name, "jvm.executor.rejection.reason", "saturated",
        "jvm.executor.rejection.policy", "abort")).hasValue(2));
    release(held);
  }

  @Test
  @Order(3)
  void aRuleAppliedLaterShedsAtItsWorkQueueAndCountsEachShedOnce() throws Exception {
    Path rules = dir.resolve("rules.yaml");
    Files.writeString(rules, "rules:\n  - name: http-queued\n    target: executor\n    match: \"http-nio-*\"\n"
        + "    when: { queue.size: \">= 1\" }\n");
    Cli.Result apply = Cli.run("rules", Long.toString(server.app.pid()), "apply", rules.toString());
    assertThat(apply.exitCode).as("%s", apply).isZero();

    // One running, one queued: the rule fires on the next request, which the pool would have
    // refused anyway (full); then one the queue would have taken after the release of the first.
    HttpProbe[] held = holdOneAndQueueOne();
    assertThat(server.get("/fast")).isEqualTo(HttpProbe.CLOSED);
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
      MetricsView m = server.receiver.metrics();
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", name,
          "jvm.executor.rejection.reason", "shed", "jvm.executor.rejection.policy", "abort")).hasValue(1);
      assertThat(m.latest("spillway.shed", "spillway.rule.name", "http-queued")).hasValue(1);
      assertThat(m.latest("jvm.executor.task.rejected", "jvm.executor.name", name,
          "jvm.executor.rejection.reason", "saturated")).hasValue(2);
    });
    release(held);
  }

  /** One request running on the only thread, one in the queue (1 place). */
  private HttpProbe[] holdOneAndQueueOne() throws Exception {
    return server.fill(name, 1, 1).toArray(new HttpProbe[0]);
  }

  private void release(HttpProbe[] held) throws Exception {
    server.release(List.of(held));
    for (HttpProbe probe : held) {
      assertThat(probe.response()).endsWith("slow done");
    }
  }
}
