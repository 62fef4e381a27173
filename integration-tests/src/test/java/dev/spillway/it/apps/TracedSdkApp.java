package dev.spillway.it.apps;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * An application with its own OpenTelemetry API and SDK (no OpenTelemetry agent). On {@code run}
 * it holds the only worker of the scheduled executor {@code ticks} and the only thread of Jetty's
 * pool {@code jetty-jobs}, opens a span and, inside it: schedules a task on {@code ticks}
 * {@value #DELAY_MILLIS} ms ahead and submits a job to {@code jetty-jobs}, and lets both held
 * threads go {@value #WORKERS_HOLD_MILLIS} ms later (the scheduled task is then late by at least
 * the difference, the job waited at least that long); submits a task to {@code jobs} while its
 * only worker is held {@value #HOLD_MILLIS} ms; then submits two to {@code guarded} (one worker,
 * held): the second is refused by the test's shedding rule. Prints {@code span <traceId>
 * <spanId>}, then, once the span ended, {@code event <name> <attributes>} for each event on it
 * (Spillway's).
 */
public final class TracedSdkApp {

  public static final long HOLD_MILLIS = 400;
  public static final long WORKERS_HOLD_MILLIS = 600;
  public static final long DELAY_MILLIS = 300;

  public static void main(String[] args) throws Exception {
    // Waits for the agent first: a main that loads a queue class (the SDK's ConcurrentLinkedQueue)
    // while the agent still reads its rules file stalls for the gate's 30 s (see the report of
    // issue 10), which is not what this test is about.
    Scenario.await("start");
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter))
        .build();
    Tracer tracer = provider.get("traced-sdk-app");
    ThreadPoolExecutor jobs = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        Scenario.named("jobs"));
    ThreadPoolExecutor guarded = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
        Scenario.named("guarded"));
    ScheduledThreadPoolExecutor ticks = new ScheduledThreadPoolExecutor(1, Scenario.named("ticks"));
    QueuedThreadPool jetty = new QueuedThreadPool(1, 1);
    jetty.setName("jetty-jobs");
    jetty.setReservedThreads(0);
    jetty.start();
    CountDownLatch release = new CountDownLatch(1);
    guarded.execute(() -> await(release));
    Scenario.say("ready");
    Scenario.await("run");

    CountDownLatch held = new CountDownLatch(2);
    CountDownLatch letGo = new CountDownLatch(1);
    Runnable holder = () -> {
      held.countDown();
      await(letGo);
    };
    ticks.execute(holder);
    jetty.execute(holder);
    held.await();
    Span span = tracer.spanBuilder("request").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      ScheduledFuture<?> tick = ticks.schedule(() -> { }, DELAY_MILLIS, TimeUnit.MILLISECONDS);
      CountDownLatch jettyRan = new CountDownLatch(1);
      jetty.execute(jettyRan::countDown);
      sleep(WORKERS_HOLD_MILLIS);
      letGo.countDown();
      CountDownLatch running = new CountDownLatch(1);
      jobs.execute(() -> {
        running.countDown();
        sleep(HOLD_MILLIS);
      });
      running.await();
      jobs.submit(() -> { }).get();
      guarded.execute(() -> { });
      try {
        guarded.execute(() -> { });
        Scenario.say("not shed");
      } catch (RejectedExecutionException e) {
        Scenario.say("shed " + e.getMessage());
      }
      tick.get();
      jettyRan.await();
    } finally {
      span.end();
    }
    Scenario.say("span " + span.getSpanContext().getTraceId() + " " + span.getSpanContext().getSpanId());
    for (SpanData data : exporter.getFinishedSpanItems()) {
      for (EventData event : data.getEvents()) {
        Scenario.say("event " + event.getName() + " " + event.getAttributes().asMap());
      }
    }
    Scenario.say("done");
    release.countDown();
    Scenario.await("stop");
    System.exit(0);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
