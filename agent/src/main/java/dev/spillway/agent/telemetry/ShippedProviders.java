package dev.spillway.agent.telemetry;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.logging.internal.ConsoleLogRecordExporterProvider;
import io.opentelemetry.exporter.logging.internal.ConsoleMetricExporterProvider;
import io.opentelemetry.exporter.logging.internal.ConsoleSpanExporterProvider;
import io.opentelemetry.exporter.logging.internal.LoggingLogRecordExporterProvider;
import io.opentelemetry.exporter.logging.internal.LoggingMetricExporterProvider;
import io.opentelemetry.exporter.logging.internal.LoggingSpanExporterProvider;
import io.opentelemetry.exporter.otlp.internal.OtlpLogRecordExporterProvider;
import io.opentelemetry.exporter.otlp.internal.OtlpMetricExporterProvider;
import io.opentelemetry.exporter.otlp.internal.OtlpSpanExporterProvider;
import io.opentelemetry.exporter.prometheus.internal.PrometheusMetricReaderProvider;
import io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider;
import io.opentelemetry.exporter.sender.okhttp.internal.OkHttpGrpcSenderProvider;
import io.opentelemetry.exporter.sender.okhttp.internal.OkHttpHttpSenderProvider;
import io.opentelemetry.sdk.autoconfigure.EnvironmentResourceProvider;
import io.opentelemetry.sdk.autoconfigure.ServiceInstanceIdResourceProvider;
import io.opentelemetry.sdk.autoconfigure.spi.ResourceProvider;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ConfigurableMetricReaderProvider;
import io.opentelemetry.sdk.autoconfigure.spi.logs.ConfigurableLogRecordExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import java.util.List;

/**
 * The SDK's service providers that the agent's jar ships, made with {@code new}: what its
 * {@code META-INF/services} files list, for the services the SDK's autoconfiguration asks for on
 * every start (a unit test keeps the two the same). {@code ServiceLoader} makes each through
 * reflection, which from JDK 18 on spins a method handle and its classes for each constructor:
 * about 1 MB allocated while the agent starts on JDK 25. Any other service is looked up as the
 * SDK would.
 */
final class ShippedProviders implements ComponentLoader {

  private final ComponentLoader others;

  ShippedProviders(ComponentLoader others) {
    this.others = others;
  }

  @Override
  public <T> Iterable<T> load(Class<T> type) {
    List<?> shipped = shipped(type);
    if (shipped == null) {
      return others.load(type);
    }
    if (type == GrpcSenderProvider.class) {
      // OkHttp's: noted when used, so that a detach ends its threads (OkHttpThreads).
      shipped = List.of(OkHttpThreads.noting((GrpcSenderProvider) shipped.get(0)));
    }
    @SuppressWarnings("unchecked")
    List<T> typed = (List<T>) shipped;
    return typed;
  }

  /** The providers of {@code type} the jar ships, new ones; null for a service not listed here. */
  static List<?> shipped(Class<?> type) {
    if (type == ResourceProvider.class) {
      return List.of(new ServiceInstanceIdResourceProvider(), new EnvironmentResourceProvider());
    }
    if (type == ConfigurableMetricExporterProvider.class) {
      return List.of(new OtlpMetricExporterProvider(), new LoggingMetricExporterProvider(),
          new ConsoleMetricExporterProvider());
    }
    if (type == ConfigurableSpanExporterProvider.class) {
      return List.of(new OtlpSpanExporterProvider(), new LoggingSpanExporterProvider(),
          new ConsoleSpanExporterProvider());
    }
    if (type == ConfigurableLogRecordExporterProvider.class) {
      return List.of(new OtlpLogRecordExporterProvider(), new LoggingLogRecordExporterProvider(),
          new ConsoleLogRecordExporterProvider());
    }
    if (type == ConfigurableMetricReaderProvider.class) {
      return List.of(new PrometheusMetricReaderProvider());
    }
    if (type == HttpSenderProvider.class) {
      return List.of(new OkHttpHttpSenderProvider(), new JdkHttpSenderProvider());
    }
    if (type == GrpcSenderProvider.class) {
      return List.of(new OkHttpGrpcSenderProvider());
    }
    return null;
  }
}
