package dev.spillway.examples.overload;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * An open-loop load generator: requests leave at a fixed rate whatever the service does, as real
 * users arrive, and each latency counts from when its request was due to leave (no coordinated
 * omission). Prints one summary line.
 *
 * <pre>java -cp examples/target/spillway-examples.jar dev.spillway.examples.overload.LoadGenerator \
 *     --url http://127.0.0.1:8080/order [--rate 400] [--seconds 20] [--warmup 6] [--deadline 500]</pre>
 */
public final class LoadGenerator {

  /** What one run measured; latencies in milliseconds. */
  public static final class Result {
    public final int sent;
    public final int ok;
    public final int okInDeadline;
    public final int refused;
    public final int failed;
    public final double seconds;
    public final double okP50;
    public final double okP99;
    public final double refusedP50;
    public final double refusedP99;
    /** Of the requests that got no response (a server that closes the connection to refuse, as Tomcat does). */
    public final double failedP50;
    public final double failedP99;
    public final long deadlineMillis;

    Result(int sent, List<Double> okLatencies, List<Double> refusedLatencies, List<Double> failedLatencies,
        double seconds, long deadlineMillis) {
      this.sent = sent;
      this.ok = okLatencies.size();
      this.okInDeadline = (int) okLatencies.stream().filter(l -> l <= deadlineMillis).count();
      this.refused = refusedLatencies.size();
      this.failed = failedLatencies.size();
      this.seconds = seconds;
      this.okP50 = percentile(okLatencies, 0.50);
      this.okP99 = percentile(okLatencies, 0.99);
      this.refusedP50 = percentile(refusedLatencies, 0.50);
      this.refusedP99 = percentile(refusedLatencies, 0.99);
      this.failedP50 = percentile(failedLatencies, 0.50);
      this.failedP99 = percentile(failedLatencies, 0.99);
      this.deadlineMillis = deadlineMillis;
    }

    /** Requests answered 200 within the deadline, per second. */
    public double goodput() {
      return okInDeadline / seconds;
    }

    @Override
    public String toString() {
      return String.format(Locale.ROOT, "sent=%d ok=%d ok_in_deadline=%d refused=%d failed=%d goodput=%.1f/s"
          + " ok_p50=%.1fms ok_p99=%.1fms refused_p50=%.1fms refused_p99=%.1fms failed_p50=%.1fms failed_p99=%.1fms",
          sent, ok, okInDeadline, refused, failed, goodput(), okP50, okP99, refusedP50, refusedP99, failedP50,
          failedP99);
    }
  }

  private LoadGenerator() {}

  public static void main(String[] args) throws Exception {
    String url = stringArg(args, "--url", "http://127.0.0.1:8080/order");
    Result result = run(URI.create(url), OrderService.intArg(args, "--rate", 400),
        OrderService.intArg(args, "--warmup", 6), OrderService.intArg(args, "--seconds", 20),
        OrderService.intArg(args, "--deadline", 500));
    System.out.println(result);
  }

  /**
   * Offers {@code rate} requests a second for {@code warmupSeconds + seconds}; measures only the
   * last {@code seconds}.
   */
  public static Result run(URI uri, int rate, int warmupSeconds, int seconds, long deadlineMillis)
      throws InterruptedException {
    ExecutorService callbacks = Executors.newFixedThreadPool(4);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).executor(callbacks).build();
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET().build();
    List<Double> ok = new ArrayList<>();
    List<Double> refused = new ArrayList<>();
    List<Double> failed = new ArrayList<>();
    List<CompletableFuture<?>> inFlight = new ArrayList<>();
    long period = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime();
    long measureFrom = start + TimeUnit.SECONDS.toNanos(warmupSeconds);
    long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
    int sent = 0;
    for (long due = start; due < end; due += period) {
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      boolean measured = due >= measureFrom;
      long dueAt = due;
      sent += measured ? 1 : 0;
      inFlight.add(client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
          .whenComplete((response, error) -> {
            if (!measured) {
              return;
            }
            double millis = (System.nanoTime() - dueAt) / 1e6;
            synchronized (ok) {
              if (error != null) {
                failed.add(millis);
              } else if (response.statusCode() == 200) {
                ok.add(millis);
              } else {
                refused.add(millis);
              }
            }
          }));
    }
    for (CompletableFuture<?> future : inFlight) {
      try {
        future.join();
      } catch (RuntimeException ignored) {
        // counted as failed, with its time
      }
    }
    callbacks.shutdown();
    synchronized (ok) {
      return new Result(sent, ok, refused, failed, seconds, deadlineMillis);
    }
  }

  private static double percentile(List<Double> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(p * sorted.size())));
  }

  private static String stringArg(String[] args, String name, String defaultValue) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return defaultValue;
  }
}
