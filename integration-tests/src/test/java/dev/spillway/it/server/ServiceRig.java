package dev.spillway.it.server;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.spillway.examples.overload.SlowDependency;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.OtlpReceiver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

/**
 * An example service, packaged by its framework's Maven plugin and started as its users start it,
 * {@code java -jar}: the Spring Boot service ({@code examples/spring-boot-service}; the same
 * sources on Spring Boot 4 in {@code examples/spring-boot-4-service}), whose Tomcat and HikariCP
 * load from nested jars through Spring Boot's launcher, and the Quarkus service
 * ({@code examples/quarkus-service}), whose libraries load through Quarkus's own class loader.
 * Their quote endpoint calls a pricing service that the rig plays (answering as the example's
 * {@code SlowDependency} does) and holds until told to answer, the slow dependency of an incident:
 * requests that wait on it hold the server's workers, and the ones after them queue.
 */
public final class ServiceRig implements AutoCloseable {

  public static final String TOMCAT_EXECUTOR = "org.apache.tomcat.util.threads.ThreadPoolExecutor";
  /** The server's workers, so few that a test can hold them all. */
  public static final int THREADS = 4;
  /** A quote's whole answer, once the pricing service answers. */
  public static final String QUOTE = "kettle x2 at 9.99";

  public final OtlpReceiver receiver;
  public final AgentJvm app;
  public final int port;
  /** The server's worker pool: Tomcat's {@code http-nio-<port>-exec}, Quarkus's {@code executor-thread}. */
  public final String executor;
  private final HttpServer pricing;
  private final ExecutorService pricingThreads;
  /** Price requests that reached the pricing service, and the permits that let them answer. */
  private final AtomicInteger priceRequests;
  private final Semaphore answers;

  private ServiceRig(OtlpReceiver receiver, AgentJvm app, int port, String executor, HttpServer pricing,
      ExecutorService pricingThreads, AtomicInteger priceRequests, Semaphore answers) {
    this.receiver = receiver;
    this.app = app;
    this.port = port;
    this.executor = executor;
    this.pricing = pricing;
    this.pricingThreads = pricingThreads;
    this.priceRequests = priceRequests;
    this.answers = answers;
  }

  /** The service's executable jar on Spring Boot 3.5, built by the reactor before this module. */
  public static Path boot3Jar() {
    return jar("spillway.example.boot.jar", "../examples/spring-boot-service/target/spillway-example-spring-boot.jar");
  }

  /** The same service on Spring Boot 4.0. */
  public static Path boot4Jar() {
    return jar("spillway.example.boot4.jar",
        "../examples/spring-boot-4-service/target/spillway-example-spring-boot-4.jar");
  }

  /** The Quarkus service's launcher jar, {@code quarkus-app/quarkus-run.jar}. */
  public static Path quarkusJar() {
    return jar("spillway.example.quarkus.jar", "../examples/quarkus-service/target/quarkus-app/quarkus-run.jar");
  }

  private static Path jar(String property, String defaultPath) {
    Path jar = Paths.get(System.getProperty(property, defaultPath));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("example service not built: " + jar.toAbsolutePath());
    }
    return jar;
  }

  /**
   * Starts the pricing service, then the Spring Boot service of {@code jar}, as {@code setup} makes
   * its JVM (under the agent or not) given the receiver its metrics go to, and waits until Spring
   * Boot says it started.
   */
  public static ServiceRig springBoot(Path jar, BiFunction<AgentJvm.Builder, OtlpReceiver, AgentJvm.Builder> setup)
      throws Exception {
    return start(jar, setup, (service, port, pricing) -> service.args("--server.port=" + port,
        "--server.tomcat.threads.max=" + THREADS, "--server.tomcat.threads.min-spare=" + THREADS,
        "--pricing.url=" + pricing, "--spring.main.banner-mode=off"),
        "http-nio-%d-exec", "Started OrdersApplication");
  }

  /** As {@link #springBoot}, the Quarkus service: its worker pool cut to {@link #THREADS}. */
  public static ServiceRig quarkus(Path jar, BiFunction<AgentJvm.Builder, OtlpReceiver, AgentJvm.Builder> setup)
      throws Exception {
    return start(jar, setup, (service, port, pricing) -> service.property("quarkus.http.port", Integer.toString(port))
        .property("quarkus.thread-pool.max-threads", Integer.toString(THREADS)).property("pricing.url", pricing),
        "executor-thread", "Listening on");
  }

  /** Points the service at its port and the pricing service's URL, its framework's way. */
  private interface Launch {
    AgentJvm.Builder configure(AgentJvm.Builder service, int port, String pricingUrl);
  }

  /**
   * @param executor the name of its worker pool, {@code %d} standing for its port
   * @param started what it prints once it serves
   */
  private static ServiceRig start(Path jar, BiFunction<AgentJvm.Builder, OtlpReceiver, AgentJvm.Builder> setup,
      Launch launch, String executor, String started) throws Exception {
    AtomicInteger priceRequests = new AtomicInteger();
    Semaphore answers = new Semaphore(0);
    ExecutorService pricingThreads = Executors.newCachedThreadPool();
    HttpServer pricing = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    pricing.setExecutor(pricingThreads);
    pricing.createContext("/price", exchange -> {
      priceRequests.incrementAndGet();
      try {
        // Held until the test answers it; bounded, so that a failed test leaves no thread behind.
        answers.tryAcquire(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      SlowDependency.answer(exchange);
    });
    pricing.start();
    OtlpReceiver receiver = OtlpReceiver.start();
    int port = HttpProbe.freePort();
    String pricingUrl = "http://127.0.0.1:" + pricing.getAddress().getPort();
    AgentJvm app = launch.configure(setup.apply(AgentJvm.executableJar(jar), receiver), port, pricingUrl).start();
    ServiceRig rig = new ServiceRig(receiver, app, port, String.format(executor, port), pricing, pricingThreads,
        priceRequests, answers);
    try {
      app.awaitOutput(line -> line.contains(started), Duration.ofSeconds(60));
    } catch (AssertionError e) {
      rig.close();
      throw e;
    }
    return rig;
  }

  /** Price requests the pricing service has been sent. */
  public int priceRequests() {
    return priceRequests.get();
  }

  /**
   * Sends {@link #THREADS} quote requests, each held at the pricing service by a worker; returns
   * them, unanswered.
   */
  public List<HttpProbe> holdEveryWorker() throws IOException {
    List<HttpProbe> held = new ArrayList<>();
    for (int i = 0; i < THREADS; i++) {
      held.add(hold("GET", "/orders/1/quote"));
    }
    return held;
  }

  /**
   * Sends {@code method path}, a request that asks the pricing service, and returns it, unanswered,
   * once its price request reached the pricing service, where it is held: one at a time, so that
   * each is known to hold a worker.
   */
  public HttpProbe hold(String method, String path) throws IOException {
    int expected = priceRequests.get() + 1;
    HttpProbe probe = HttpProbe.send(port, method, path);
    await().atMost(Duration.ofSeconds(30)).until(() -> priceRequests.get() == expected);
    return probe;
  }

  /** Sends {@code count} {@code GET}s of {@code path} and returns them, unanswered. */
  public List<HttpProbe> send(int count, String path) throws IOException {
    List<HttpProbe> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      sent.add(HttpProbe.send(port, path));
    }
    return sent;
  }

  /** Lets {@code count} held price requests answer. */
  public void answer(int count) {
    answers.release(count);
  }

  /** A whole {@code GET} of {@code path}: the response, or {@link HttpProbe#CLOSED}. */
  public String get(String path) throws IOException {
    return HttpProbe.get(port, path);
  }

  @Override
  public void close() {
    answers.release(1000);
    try {
      AgentJvm.finish(app, receiver);
    } finally {
      pricing.stop(0);
      pricingThreads.shutdownNow();
    }
  }
}
