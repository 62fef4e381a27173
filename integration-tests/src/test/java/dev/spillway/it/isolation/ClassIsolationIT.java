package dev.spillway.it.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.ForeignLibrariesApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.MetricsView;
import dev.spillway.it.support.OtlpReceiver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's Byte Buddy, OpenTelemetry, protobuf, OkHttp and Kotlin never meet the application's.
 * The application carries its own, at other versions (copied by the build to
 * {@code target/isolation-libs}, see the POM), and uses each: it gets its own classes, its own
 * {@code GlobalOpenTelemetry} and exact counts from its own SDK, while Spillway still reports.
 */
class ClassIsolationIT {

  static final Path LIBS = Path.of(System.getProperty("isolation.libs", "target/isolation-libs"));

  OtlpReceiver receiver;

  @BeforeEach
  void startReceiver() throws Exception {
    receiver = OtlpReceiver.start();
  }

  @AfterEach
  void stopReceiver() {
    receiver.close();
  }

  @Test
  void applicationUsesItsOwnLibrariesAndSpillwayStillReports() throws IOException {
    // The application's copies exist only on its own class path.
    for (String className : List.of("okhttp3.OkHttpClient", "io.opentelemetry.api.GlobalOpenTelemetry",
        "kotlin.KotlinVersion")) {
      assertThatThrownBy(() -> Class.forName(className)).isInstanceOf(ClassNotFoundException.class);
    }
    String byteBuddy = version("bytebuddy");
    String otel = version("opentelemetry");
    // Otherwise the test JVM's copies (from AssertJ and gRPC) could pass for the application's.
    assertThat(net.bytebuddy.ByteBuddy.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .doesNotContain(byteBuddy);
    assertThat(com.google.protobuf.Struct.class.getProtectionDomain().getCodeSource().getLocation().getPath())
        .doesNotContain(version("protobuf"));

    Map<String, String> expectedJars = new LinkedHashMap<>();
    expectedJars.put("net.bytebuddy.ByteBuddy", "byte-buddy-" + byteBuddy + ".jar");
    expectedJars.put("io.opentelemetry.api.GlobalOpenTelemetry", "opentelemetry-api-" + otel + ".jar");
    expectedJars.put("io.opentelemetry.sdk.OpenTelemetrySdk", "opentelemetry-sdk-" + otel + ".jar");
    expectedJars.put("io.opentelemetry.sdk.metrics.SdkMeterProvider", "opentelemetry-sdk-metrics-" + otel + ".jar");
    expectedJars.put("com.google.protobuf.Struct", "protobuf-java-" + version("protobuf") + ".jar");
    expectedJars.put("okhttp3.OkHttpClient", "okhttp-" + version("okhttp") + ".jar");
    expectedJars.put("okio.Buffer", "okio-jvm-" + version("okio") + ".jar");
    expectedJars.put("kotlin.KotlinVersion", "kotlin-stdlib-" + version("kotlin") + ".jar");

    AgentJvm.Builder builder = AgentJvm.builder(ForeignLibrariesApp.class).exportTo(receiver);
    List<Path> jars;
    try (Stream<Path> files = Files.list(LIBS)) {
      jars = files.filter(f -> f.toString().endsWith(".jar")).sorted().collect(Collectors.toList());
    }
    assertThat(jars).hasSize(14);
    jars.forEach(builder::classpath);

    try (AgentJvm app = builder.start()) {
      app.awaitAgentStarted();
      app.send("go");
      assertThat(app.awaitOutput("DONE")).isEqualTo("DONE");

      Map<String, String[]> libs = app.stdout().stream()
          .filter(line -> line.startsWith("LIB "))
          .map(line -> line.split(" "))
          .collect(Collectors.toMap(fields -> fields[1], fields -> fields));
      assertThat(libs).containsOnlyKeys(expectedJars.keySet());
      expectedJars.forEach((className, jar) ->
          assertThat(Path.of(libs.get(className)[2])).as(className).isEqualTo(LIBS.resolve(jar).toAbsolutePath()));
      // What the libraries say of themselves.
      assertThat(libs.get("net.bytebuddy.ByteBuddy")[3]).isEqualTo(byteBuddy);
      assertThat(libs.get("io.opentelemetry.sdk.metrics.SdkMeterProvider")[3]).isEqualTo(otel);
      assertThat(libs.get("okhttp3.OkHttpClient")[3]).isEqualTo(version("okhttp"));
      assertThat(libs.get("kotlin.KotlinVersion")[3]).isEqualTo(version("kotlin"));

      assertThat(app.awaitOutput("BYTEBUDDY")).isEqualTo("BYTEBUDDY made by byte buddy");
      // Its GlobalOpenTelemetry is its own; its SDK holds its own metrics and none of Spillway's.
      assertThat(app.awaitOutput("OTEL")).isEqualTo("OTEL global_is_own=true app.orders=42 scopes=[foreign-app]");
      assertThat(app.awaitOutput("PROTOBUF")).isEqualTo("PROTOBUF service=orders replicas=3 equal=true");
      assertThat(app.awaitOutput("OKHTTP")).isEqualTo("OKHTTP status=200 body=hello over loopback");
      assertThat(app.awaitOutput("KOTLIN")).isEqualTo("KOTLIN padded=00042");
      assertThat(app.awaitOutput("WORK")).isEqualTo("WORK completed=10 sum=55");

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
        MetricsView m = receiver.metrics();
        assertThat(m.latest("jvm.executor.thread.core", "jvm.executor.name", "foreign-work")).hasValue(2);
        assertThat(m.latest("jvm.executor.task.completed", "jvm.executor.name", "foreign-work")).hasValue(10);
      });

      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      assertThat(app.agentProblems()).isEmpty();
    }
  }

  private static String version(String library) {
    String version = System.getProperty("isolation." + library + ".version");
    assertThat(version).as("isolation.%s.version, set by the POM", library).isNotBlank();
    return version;
  }
}
