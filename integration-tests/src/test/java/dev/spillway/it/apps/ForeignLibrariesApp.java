package dev.spillway.it.apps;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.jar.JarFile;
import kotlin.KotlinVersion;
import kotlin.text.StringsKt;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.matcher.ElementMatchers;
import okhttp3.OkHttp;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * An application that brings its own Byte Buddy, OpenTelemetry API and SDK, protobuf, OkHttp and
 * Kotlin, at versions other than the agent's, and uses each for real. For each library it prints
 * the jar a class came from and the version the library reports:
 * {@code LIB <class> <jar file> <version>}; then what using it gave.
 */
public final class ForeignLibrariesApp {

  public static void main(String[] args) throws Exception {
    Scenario.await("go");
    byteBuddy();
    openTelemetry();
    protobuf();
    okHttp();
    kotlin();
    ThreadPoolExecutor work = work();
    Scenario.say("DONE");
    Scenario.await("exit");
    work.shutdown();
  }

  private static void byteBuddy() throws Exception {
    Class<?> made = new ByteBuddy()
        .subclass(Object.class)
        .name("dev.spillway.it.apps.MadeByByteBuddy")
        .method(ElementMatchers.named("toString")).intercept(FixedValue.value("made by byte buddy"))
        .make()
        .load(ForeignLibrariesApp.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
        .getLoaded();
    lib(ByteBuddy.class, manifestVersion(ByteBuddy.class, "Bundle-Version"));
    Scenario.say("BYTEBUDDY " + made.getDeclaredConstructor().newInstance());
  }

  private static void openTelemetry() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    SdkMeterProvider meterProvider = SdkMeterProvider.builder().registerMetricReader(reader).build();
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setMeterProvider(meterProvider)
        .setPropagators(ContextPropagators.noop())
        .build();
    // Throws if anyone (an agent, say) registered a global before the application.
    GlobalOpenTelemetry.set(sdk);
    // get() hands out a wrapper around the registered instance, which passes its providers on.
    boolean own = GlobalOpenTelemetry.get().getMeterProvider() == sdk.getMeterProvider()
        && sdk.getSdkMeterProvider() == meterProvider;

    LongCounter orders = GlobalOpenTelemetry.getMeter("foreign-app").counterBuilder("app.orders").build();
    orders.add(5);
    orders.add(7);
    orders.add(30);
    Collection<MetricData> collected = reader.collectAllMetrics();
    Set<String> scopes = new TreeSet<>();
    long total = -1;
    for (MetricData metric : collected) {
      scopes.add(metric.getInstrumentationScopeInfo().getName());
      if (metric.getName().equals("app.orders")) {
        total = 0;
        for (LongPointData point : metric.getLongSumData().getPoints()) {
          total += point.getValue();
        }
      }
    }
    lib(GlobalOpenTelemetry.class, null);
    lib(OpenTelemetrySdk.class, null);
    lib(SdkMeterProvider.class,
        Resource.getDefault().getAttribute(AttributeKey.stringKey("telemetry.sdk.version")));
    Scenario.say("OTEL global_is_own=" + own + " app.orders=" + total + " scopes=" + scopes);
    sdk.close();
  }

  private static void protobuf() throws Exception {
    Struct sent = Struct.newBuilder()
        .putFields("service", Value.newBuilder().setStringValue("orders").build())
        .putFields("replicas", Value.newBuilder().setNumberValue(3).build())
        .build();
    Struct received = Struct.parseFrom(sent.toByteArray());
    lib(Struct.class, null);
    Scenario.say("PROTOBUF service=" + received.getFieldsOrThrow("service").getStringValue()
        + " replicas=" + (long) received.getFieldsOrThrow("replicas").getNumberValue()
        + " equal=" + received.equals(sent));
  }

  private static void okHttp() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/hello", exchange -> {
      byte[] body = "hello over loopback".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    OkHttpClient client = new OkHttpClient();
    try (Response response = client.newCall(new Request.Builder()
        .url("http://127.0.0.1:" + server.getAddress().getPort() + "/hello").build()).execute()) {
      lib(OkHttpClient.class, OkHttp.VERSION);
      lib(okio.Buffer.class, null);
      Scenario.say("OKHTTP status=" + response.code() + " body=" + response.body().string());
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
      server.stop(0);
    }
  }

  private static void kotlin() {
    lib(KotlinVersion.class, KotlinVersion.CURRENT.toString());
    Scenario.say("KOTLIN padded=" + StringsKt.padStart("42", 5, '0'));
  }

  /** Something for Spillway to report: two threads, ten tasks, kept until exit. */
  private static ThreadPoolExecutor work() throws InterruptedException {
    ThreadPoolExecutor work = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), Scenario.named("foreign-work"));
    AtomicLong sum = new AtomicLong();
    for (int i = 1; i <= 10; i++) {
      int n = i;
      work.execute(() -> sum.addAndGet(n));
    }
    while (work.getCompletedTaskCount() < 10) {
      Thread.sleep(5);
    }
    Scenario.say("WORK completed=" + work.getCompletedTaskCount() + " sum=" + sum.get());
    return work;
  }

  /** Prints {@code LIB <class> <jar file name> <version or ->}. */
  private static void lib(Class<?> type, String version) {
    Scenario.say("LIB " + type.getName() + " " + jarOf(type) + " " + (version == null ? "-" : version));
  }

  private static String jarOf(Class<?> type) {
    try {
      return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String manifestVersion(Class<?> type, String attribute) throws IOException {
    try (JarFile jar = new JarFile(jarOf(type))) {
      return jar.getManifest().getMainAttributes().getValue(attribute);
    }
  }
}
