package dev.spillway.agent.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The application's API here is the test's own (unrelocated) OpenTelemetry. */
class AppSpansTest {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider provider = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final ClassLoader loader = AppSpansTest.class.getClassLoader();

  /** Stands for the OpenTelemetry agent's Java8BytecodeBridge: a public static method giving a span. */
  public static final class Bridge {
    static Span span = Span.getInvalid();

    public static Span currentSpan() {
      return span;
    }
  }

  @AfterEach
  void close() {
    provider.close();
    Bridge.span = Span.getInvalid();
  }

  private static AppSpans withoutAgent() {
    return new AppSpans(() -> null, false);
  }

  private static AppSpans withAgent() {
    return new AppSpans(() -> {
      try {
        return AppSpans.Api.of(Bridge.class.getMethod("currentSpan"));
      } catch (ReflectiveOperationException e) {
        throw new AssertionError(e);
      }
    }, false);
  }

  @Test
  void readsTheApplicationsCurrentSpanThroughItsApi() {
    Span span = provider.get("app").spanBuilder("request").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      AppSpans.Parent parent = withoutAgent().current(loader);
      assertThat(parent.traceId).isEqualTo(span.getSpanContext().getTraceId());
      assertThat(parent.spanId).isEqualTo(span.getSpanContext().getSpanId());
      assertThat(parent.sampled()).isTrue();
      assertThat(withoutAgent().currentSampled(loader).spanId).isEqualTo(span.getSpanContext().getSpanId());
    } finally {
      span.end();
    }
  }

  @Test
  void noSpanNoApiOrAnUnsampledSpanGiveNoSampledParent() {
    assertThat(withoutAgent().currentSampled(loader)).isNull();
    assertThat(withoutAgent().currentSampled(new ClassLoader(null) {})).isNull();
    assertThat(withoutAgent().currentSampled(null)).isNull();
    // A valid span the application does not record: a parent for a slow acquire, none for a wait span.
    Span remote = Span.wrap(SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
        TraceFlags.getDefault(), TraceState.getDefault()));
    try (Scope ignored = remote.makeCurrent()) {
      assertThat(withoutAgent().current(loader).spanId).isEqualTo("b7ad6b7169203331");
      assertThat(withoutAgent().currentSampled(loader)).isNull();
    }
  }

  @Test
  void theOpenTelemetryAgentsSpanWinsOverTheLoadersApi() {
    Span agentSpan = provider.get("agent").spanBuilder("server").startSpan();
    Bridge.span = agentSpan;
    // No span is current in the application's API: the agent's bridge is the truth.
    AppSpans.Parent parent = withAgent().currentSampled(new ClassLoader(null) {});
    agentSpan.end();
    assertThat(parent.spanId).isEqualTo(agentSpan.getSpanContext().getSpanId());
    assertThat(parent.traceId).isEqualTo(agentSpan.getSpanContext().getTraceId());
  }

  @Test
  void addsAnEventWithItsAttributesToTheCurrentRecordingSpan() {
    Span span = provider.get("app").spanBuilder("request").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      assertThat(withoutAgent().addEvent(loader, "jvm.executor.task.rejected",
          "jvm.executor.name", "orders", "jvm.executor.rejection.reason", "saturated", "skipped", null)).isTrue();
    } finally {
      span.end();
    }
    List<EventData> events = exporter.getFinishedSpanItems().get(0).getEvents();
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getName()).isEqualTo("jvm.executor.task.rejected");
    assertThat(events.get(0).getAttributes().get(AttributeKey.stringKey("jvm.executor.name"))).isEqualTo("orders");
    assertThat(events.get(0).getAttributes().get(AttributeKey.stringKey("jvm.executor.rejection.reason")))
        .isEqualTo("saturated");
    assertThat(events.get(0).getAttributes().size()).isEqualTo(2);
  }

  @Test
  void anEventCarriesNumbersAsNumbers() {
    Span span = provider.get("app").spanBuilder("request").startSpan();
    try (Scope ignored = span.makeCurrent()) {
      assertThat(withoutAgent().addEvent(loader, "db.client.connection.timeout",
          "spillway.pool.wait_time", 0.25, "attempts", 3L)).isTrue();
    } finally {
      span.end();
    }
    EventData event = exporter.getFinishedSpanItems().get(0).getEvents().get(0);
    assertThat(event.getAttributes().get(AttributeKey.doubleKey("spillway.pool.wait_time"))).isEqualTo(0.25);
    assertThat(event.getAttributes().get(AttributeKey.longKey("attempts"))).isEqualTo(3L);
  }

  @Test
  void anInvalidSpanMadeCurrentIsNoParent() {
    Span invalid = Span.wrap(SpanContext.getInvalid());
    try (Scope ignored = invalid.makeCurrent()) {
      assertThat(withoutAgent().currentSampled(loader)).isNull();
      assertThat(withAgent().currentSampled(loader)).isNull();
    }
  }

  @Test
  void noCurrentSpanNoEvent() {
    assertThat(withoutAgent().addEvent(loader, "spillway.shed", "spillway.rule", "r")).isFalse();
  }
}
