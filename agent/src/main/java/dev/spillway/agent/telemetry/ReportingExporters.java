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
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Exporters that say, once, when export fails and where to, and say again when it recovers.
 *
 * <p>An unreachable collector must cost the application nothing and the operator one clear line,
 * not a stack trace every interval.
 */
final class ReportingExporters {

  /** How long the exit waits for an export still pending (a slow or retrying collector). */
  private static final Duration PENDING_AT_EXIT = Duration.ofSeconds(1);

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
    private volatile boolean closing;

    Outcome(String what, String destination) {
      this.what = what;
      this.destination = destination;
    }

    /** From now on an export that fails was cut short by the exit: not worth a warning. */
    void closing() {
      closing = true;
    }

    CompletableResultCode watch(CompletableResultCode result) {
      result.whenComplete(() -> {
        if (closing && !result.isSuccess()) {
          AgentLog.debug("export of " + what + " to " + destination + " cut short by the exit");
        } else if (result.isSuccess()) {
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

    /**
     * The deepest cause that has a message of its own; without any, the outermost exception that
     * is not a mere wrapper: ConnectException, rather than the HttpExportException around it or
     * the bare ClosedChannelException beneath it.
     */
    private static String describe(Throwable cause) {
      Throwable outermost = null;
      Throwable withMessage = null;
      for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
        String message = t.getMessage();
        if (t.getCause() != null && String.valueOf(t.getCause()).equals(message)) {
          continue; // a wrapper: its message is its cause's toString()
        }
        if (outermost == null) {
          outermost = t;
        }
        if (message != null) {
          withMessage = t;
        }
      }
      Throwable described = withMessage != null ? withMessage : outermost != null ? outermost : cause;
      String message = described.getMessage();
      return described.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
    }
  }

  private static final class Metrics implements MetricExporter {
    private final MetricExporter delegate;
    private final Outcome outcome;
    private final AtomicBoolean exporting = new AtomicBoolean();
    private volatile CompletableResultCode pending = CompletableResultCode.ofSuccess();

    Metrics(MetricExporter delegate, Outcome outcome) {
      this.delegate = delegate;
      this.outcome = outcome;
    }

    /**
     * One export at a time. The periodic reader stops waiting after one interval and starts the
     * next export while a slow one is still retrying; against a dead collector they pile up until
     * the sender's pool rejects one, and that rejection, not the collector, would be what the
     * warning names. With cumulative temporality (the default) a skipped interval loses nothing;
     * with delta, its counts are lost, as they are when the collector does not answer.
     */
    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      if (!exporting.compareAndSet(false, true)) {
        return CompletableResultCode.ofFailure();
      }
      CompletableResultCode result;
      try {
        result = delegate.export(metrics);
      } catch (RuntimeException e) {
        exporting.set(false);
        throw e;
      }
      pending = result;
      result.whenComplete(() -> exporting.set(false));
      return outcome.watch(result);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    /**
     * The reader's exit flush was skipped if an export was still pending; that export carries
     * nearly the same sums, so it gets a moment to finish before the sender is closed under it.
     */
    @Override
    public CompletableResultCode shutdown() {
      pending.join(PENDING_AT_EXIT.toMillis(), TimeUnit.MILLISECONDS);
      outcome.closing();
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
      outcome.closing();
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }
}
