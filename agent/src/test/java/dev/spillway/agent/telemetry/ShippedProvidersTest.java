package dev.spillway.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.autoconfigure.spi.ResourceProvider;
import io.opentelemetry.sdk.autoconfigure.spi.internal.ConfigurableMetricReaderProvider;
import io.opentelemetry.sdk.autoconfigure.spi.logs.ConfigurableLogRecordExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.metrics.ConfigurableMetricExporterProvider;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The providers made with {@code new} are exactly those the services files list. */
class ShippedProvidersTest {

  private static final List<Class<?>> SERVICES = List.of(ResourceProvider.class,
      ConfigurableMetricExporterProvider.class, ConfigurableSpanExporterProvider.class,
      ConfigurableLogRecordExporterProvider.class, ConfigurableMetricReaderProvider.class,
      HttpSenderProvider.class, GrpcSenderProvider.class);

  @Test
  void theSameProvidersAsTheServicesFiles() {
    for (Class<?> service : SERVICES) {
      List<String> listed = new ArrayList<>();
      ServiceLoader.load(service, ShippedProviders.class.getClassLoader()).stream()
          .forEach(provider -> listed.add(provider.type().getName()));
      List<String> shipped = new ArrayList<>();
      for (Object provider : ShippedProviders.shipped(service)) {
        assertThat(provider).isInstanceOf(service);
        shipped.add(provider.getClass().getName());
      }
      assertThat(shipped).as(service.getName()).isNotEmpty().containsExactlyInAnyOrderElementsOf(listed);
    }
  }

  @Test
  void otherServicesAreLookedUpAsBefore() {
    List<Class<?>> asked = new ArrayList<>();
    ComponentLoader others = new ComponentLoader() {
      @Override
      public <T> Iterable<T> load(Class<T> type) {
        asked.add(type);
        return List.of();
      }
    };
    ShippedProviders loader = new ShippedProviders(others);
    assertThat(loader.load(Runnable.class)).isEmpty();
    assertThat(loader.load(ResourceProvider.class)).hasSize(2);
    assertThat(asked).containsExactly(Runnable.class);
  }
}
