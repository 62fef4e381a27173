package dev.spillway.agent.telemetry;

import dev.spillway.agent.AgentLog;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.metrics.Aggregation;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;

/**
 * Exporters that say, once, when export fails and where to, and say again when it recovers.
 *
 * <p>An unreachable collector must cost the application nothing and the operator one clear line,
 * not a stack trace every interval.
 */
final class ReportingExporters {

  private ReportingExporters() {}

  static MetricExporter metrics(MetricExporter delegate, String destination) {
    return new Metrics(delegate, new Outcome("metrics", destination));
  }

  static SpanExporter spans(SpanExporter delegate, String destination) {
    return new Spans(delegate, new Outcome("spans", destination));
  }

  /** Tracks whether the last export failed, so that each change is reported once. */
  private static final class Outcome {
    private final String what;
    private final String destination;
    private volatile boolean failing;

    Outcome(String what, String destination) {
      this.what = what;
      this.destination = destination;
    }

    CompletableResultCode watch(CompletableResultCode result) {
      result.whenComplete(() -> {
        if (result.isSuccess()) {
          if (failing) {
            failing = false;
            AgentLog.info("exporting " + what + " to " + destination + " works again");
          }
        } else if (!failing) {
          failing = true;
          Throwable cause = result.getFailureThrowable();
          AgentLog.warn("cannot export " + what + " to " + destination
              + (cause == null ? "" : ": " + describe(cause))
              + "; the application is not affected, Spillway keeps trying every interval");
        }
      });
      return result;
    }

    private static String describe(Throwable cause) {
      Throwable root = cause;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String message = root.getMessage();
      return root.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
  }

  private static final class Metrics implements MetricExporter {
    private final MetricExporter delegate;
    private final Outcome outcome;

    Metrics(MetricExporter delegate, Outcome outcome) {
      this.delegate = delegate;
      this.outcome = outcome;
    }

    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return outcome.watch(delegate.export(metrics));
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return delegate.getAggregationTemporality(instrumentType);
    }

    @Override
    public Aggregation getDefaultAggregation(InstrumentType instrumentType) {
      return delegate.getDefaultAggregation(instrumentType);
    }

    @Override
    public MemoryMode getMemoryMode() {
      return delegate.getMemoryMode();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  private static final class Spans implements SpanExporter {
    private final SpanExporter delegate;
    private final Outcome outcome;

    Spans(SpanExporter delegate, Outcome outcome) {
      this.delegate = delegate;
      this.outcome = outcome;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return outcome.watch(delegate.export(spans));
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
