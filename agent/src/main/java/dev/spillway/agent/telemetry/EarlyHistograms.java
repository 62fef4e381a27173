package dev.spillway.agent.telemetry;

import dev.spillway.agent.AgentLog;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongHistogramBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableMeasurement;
import io.opentelemetry.api.metrics.BatchCallback;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * Histogram measurements made before the SDK is up, kept and handed to the SDK's histograms when
 * it starts, so that the first export holds the application's first seconds too (the SDK starts
 * in the background, after the bytecode is in place).
 *
 * <p>Everything else needs no keeping: gauges and counters are read from the agent's own state at
 * collection time. At most {@value #CAPACITY} measurements are kept per histogram; later ones, and
 * spans, are dropped until the SDK is up, and a debug line says how many.
 */
final class EarlyHistograms {

  static final int CAPACITY = 4096;

  private final List<EarlyHistogram> histograms = new ArrayList<>();

  Meter meter(String scope) {
    return new EarlyMeter(scope);
  }

  /** Replays every kept measurement into {@code sdk}'s histograms, which receive all later ones. */
  synchronized long replayInto(MeterProvider sdk, String version) {
    long dropped = 0;
    for (EarlyHistogram histogram : histograms) {
      DoubleHistogramBuilder builder = sdk.meterBuilder(histogram.scope).setInstrumentationVersion(version)
          .build().histogramBuilder(histogram.name);
      if (histogram.description != null) {
        builder.setDescription(histogram.description);
      }
      if (histogram.unit != null) {
        builder.setUnit(histogram.unit);
      }
      if (histogram.boundaries != null) {
        builder.setExplicitBucketBoundariesAdvice(histogram.boundaries);
      }
      dropped += histogram.replayInto(builder.build());
    }
    if (dropped > 0) {
      AgentLog.debug(dropped + " histogram measurements made before the SDK started were not kept");
    }
    return dropped;
  }

  private synchronized void add(EarlyHistogram histogram) {
    histograms.add(histogram);
  }

  private final class EarlyMeter implements Meter {
    private final String scope;
    private final Meter noop;

    EarlyMeter(String scope) {
      this.scope = scope;
      this.noop = MeterProvider.noop().get(scope);
    }

    @Override
    public LongCounterBuilder counterBuilder(String name) {
      return noop.counterBuilder(name);
    }

    @Override
    public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
      return noop.upDownCounterBuilder(name);
    }

    @Override
    public DoubleHistogramBuilder histogramBuilder(String name) {
      return new Builder(scope, name);
    }

    @Override
    public DoubleGaugeBuilder gaugeBuilder(String name) {
      return noop.gaugeBuilder(name);
    }

    @Override
    public BatchCallback batchCallback(Runnable callback, ObservableMeasurement observableMeasurement,
        ObservableMeasurement... additionalMeasurements) {
      return noop.batchCallback(callback, observableMeasurement, additionalMeasurements);
    }

    private final class Builder implements DoubleHistogramBuilder {
      private final String scope;
      private final String name;
      private String description;
      private String unit;
      private List<Double> boundaries;

      Builder(String scope, String name) {
        this.scope = scope;
        this.name = name;
      }

      @Override
      public DoubleHistogramBuilder setDescription(String description) {
        this.description = description;
        return this;
      }

      @Override
      public DoubleHistogramBuilder setUnit(String unit) {
        this.unit = unit;
        return this;
      }

      @Override
      public DoubleHistogramBuilder setExplicitBucketBoundariesAdvice(List<Double> boundaries) {
        this.boundaries = List.copyOf(boundaries);
        return this;
      }

      @Override
      public LongHistogramBuilder ofLongs() {
        return noop.histogramBuilder(name).ofLongs();
      }

      @Override
      public DoubleHistogram build() {
        EarlyHistogram histogram = new EarlyHistogram(scope, name, description, unit, boundaries);
        add(histogram);
        return histogram;
      }
    }
  }

  /** Keeps measurements until {@link #replayInto}, then forwards them. */
  private static final class EarlyHistogram implements DoubleHistogram {
    final String scope;
    final String name;
    final String description;
    final String unit;
    final List<Double> boundaries;
    private double[] values = new double[16];
    private Attributes[] attributes = new Attributes[16];
    private int size;
    private long dropped;
    private volatile DoubleHistogram target;

    EarlyHistogram(String scope, String name, String description, String unit, List<Double> boundaries) {
      this.scope = scope;
      this.name = name;
      this.description = description;
      this.unit = unit;
      this.boundaries = boundaries;
    }

    @Override
    public void record(double value) {
      record(value, Attributes.empty());
    }

    @Override
    public void record(double value, Attributes attributes, Context context) {
      record(value, attributes);
    }

    @Override
    public void record(double value, Attributes measured) {
      DoubleHistogram forward = target;
      if (forward == null) {
        synchronized (this) {
          forward = target;
          if (forward == null) {
            keep(value, measured);
            return;
          }
        }
      }
      forward.record(value, measured);
    }

    private void keep(double value, Attributes measured) {
      if (size == values.length) {
        if (size == CAPACITY) {
          dropped++;
          return;
        }
        values = java.util.Arrays.copyOf(values, Math.min(CAPACITY, size * 2));
        attributes = java.util.Arrays.copyOf(attributes, values.length);
      }
      values[size] = value;
      attributes[size++] = measured;
    }

    synchronized long replayInto(DoubleHistogram sdk) {
      for (int i = 0; i < size; i++) {
        sdk.record(values[i], attributes[i]);
      }
      target = sdk;
      values = null;
      attributes = null;
      return dropped;
    }
  }
}
