package dev.spillway.it.support;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a receiver got, queried the way tests ask: the latest value of a series, found by metric
 * name and some of its attributes. Only Spillway's own scopes ({@code dev.spillway.*}) count.
 */
public final class MetricsView {

  private final List<ResourceMetrics> received;

  MetricsView(List<ResourceMetrics> received) {
    this.received = received;
  }

  /** The instrumentation scope names of everything received, whoever sent it. */
  public Set<String> scopes() {
    Set<String> scopes = new TreeSet<>();
    for (ResourceMetrics resource : received) {
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        scopes.add(scope.getScope().getName());
      }
    }
    return scopes;
  }

  /** Metric names received from Spillway's scopes. */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    for (Metric metric : spillwayMetrics()) {
      names.add(metric.getName());
    }
    return names;
  }

  /** Metric names received from any scope (another agent's too), as "scope metric". */
  public Set<String> allNames() {
    Set<String> names = new TreeSet<>();
    for (ResourceMetrics resource : received) {
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          names.add(scope.getScope().getName() + " " + metric.getName());
        }
      }
    }
    return names;
  }

  /** The last metric description received with this name, for unit and type checks. */
  public Optional<Metric> metric(String name) {
    Metric last = null;
    for (Metric metric : spillwayMetrics()) {
      if (metric.getName().equals(name)) {
        last = metric;
      }
    }
    return Optional.ofNullable(last);
  }

  /**
   * The latest value of the one sum or gauge series of {@code name} whose attributes include
   * {@code attributes} (key, value, key, value...); empty if there is none, an error if several.
   */
  public OptionalLong latest(String name, String... attributes) {
    Map<Map<String, String>, NumberDataPoint> latest = latestNumberPoints(name);
    NumberDataPoint point = single(name, latest, attributes);
    return point == null ? OptionalLong.empty() : OptionalLong.of(point.getAsInt());
  }

  /** The latest histogram point of the one series of {@code name} matching {@code attributes}. */
  public Optional<HistogramDataPoint> latestHistogram(String name, String... attributes) {
    Map<Map<String, String>, HistogramDataPoint> latest = new LinkedHashMap<>();
    for (Metric metric : spillwayMetrics()) {
      if (metric.getName().equals(name) && metric.hasHistogram()) {
        for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
          keepLatest(latest, attributes(point.getAttributesList()), point, point.getTimeUnixNano());
        }
      }
    }
    return Optional.ofNullable(single(name, latest, attributes));
  }

  /** Every attribute set reported for {@code name}, with its latest value. */
  public Map<Map<String, String>, Long> series(String name) {
    Map<Map<String, String>, Long> values = new LinkedHashMap<>();
    latestNumberPoints(name).forEach((attrs, point) -> values.put(attrs, point.getAsInt()));
    return values;
  }

  /**
   * The series of {@code name} in the latest collection (every point of one collection has its
   * time), with their values: a series the agent stopped reporting is not among them.
   */
  public Map<Map<String, String>, Long> current(String name) {
    long newest = 0;
    for (Metric metric : spillwayMetrics()) {
      List<NumberDataPoint> points = metric.hasSum() ? metric.getSum().getDataPointsList()
          : metric.hasGauge() ? metric.getGauge().getDataPointsList() : List.of();
      for (NumberDataPoint point : points) {
        newest = Math.max(newest, point.getTimeUnixNano());
      }
    }
    long collected = newest;
    Map<Map<String, String>, NumberDataPoint> latest = latestNumberPoints(name);
    Map<Map<String, String>, Long> values = new LinkedHashMap<>();
    latest.forEach((attrs, point) -> {
      if (point.getTimeUnixNano() == collected) {
        values.put(attrs, point.getAsInt());
      }
    });
    return values;
  }

  /** The values of {@code key} across all series of {@code name}. */
  public Set<String> attributeValues(String name, String key) {
    Set<String> values = new TreeSet<>();
    for (Metric metric : spillwayMetrics()) {
      if (metric.getName().equals(name)) {
        for (List<KeyValue> attrs : pointAttributes(metric)) {
          String value = attributes(attrs).get(key);
          if (value != null) {
            values.add(value);
          }
        }
      }
    }
    return values;
  }

  /** The {@code service.name} of every resource received (another agent's too). */
  public Set<String> serviceNames() {
    Set<String> names = new TreeSet<>();
    for (ResourceMetrics resource : received) {
      names.add(attributes(resource.getResource().getAttributesList()).get("service.name"));
    }
    return names;
  }

  /** Attributes of the resource of the last block received. */
  public Map<String, String> resource() {
    if (received.isEmpty()) {
      return Map.of();
    }
    return attributes(received.get(received.size() - 1).getResource().getAttributesList());
  }

  private Map<Map<String, String>, NumberDataPoint> latestNumberPoints(String name) {
    Map<Map<String, String>, NumberDataPoint> latest = new LinkedHashMap<>();
    for (Metric metric : spillwayMetrics()) {
      if (!metric.getName().equals(name)) {
        continue;
      }
      List<NumberDataPoint> points = metric.hasSum() ? metric.getSum().getDataPointsList()
          : metric.hasGauge() ? metric.getGauge().getDataPointsList() : List.of();
      for (NumberDataPoint point : points) {
        keepLatest(latest, attributes(point.getAttributesList()), point, point.getTimeUnixNano());
      }
    }
    return latest;
  }

  private static <P> void keepLatest(Map<Map<String, String>, P> latest, Map<String, String> attrs,
      P point, long time) {
    P previous = latest.get(attrs);
    if (previous == null || time >= timeOf(previous)) {
      latest.put(attrs, point);
    }
  }

  private static long timeOf(Object point) {
    return point instanceof NumberDataPoint ? ((NumberDataPoint) point).getTimeUnixNano()
        : ((HistogramDataPoint) point).getTimeUnixNano();
  }

  private static <P> P single(String name, Map<Map<String, String>, P> points, String... wanted) {
    P found = null;
    Map<String, String> foundAttrs = null;
    for (Map.Entry<Map<String, String>, P> entry : points.entrySet()) {
      if (matches(entry.getKey(), wanted)) {
        if (found != null) {
          throw new AssertionError(name + ": several series match " + String.join(",", wanted) + ": "
              + foundAttrs + " and " + entry.getKey());
        }
        found = entry.getValue();
        foundAttrs = entry.getKey();
      }
    }
    return found;
  }

  private static boolean matches(Map<String, String> attrs, String... wanted) {
    for (int i = 0; i + 1 < wanted.length; i += 2) {
      if (!wanted[i + 1].equals(attrs.get(wanted[i]))) {
        return false;
      }
    }
    return true;
  }

  private List<Metric> spillwayMetrics() {
    List<Metric> metrics = new ArrayList<>();
    for (ResourceMetrics resource : received) {
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        if (scope.getScope().getName().startsWith("dev.spillway.")) {
          metrics.addAll(scope.getMetricsList());
        }
      }
    }
    return metrics;
  }

  private static List<List<KeyValue>> pointAttributes(Metric metric) {
    List<List<KeyValue>> all = new ArrayList<>();
    if (metric.hasSum()) {
      metric.getSum().getDataPointsList().forEach(p -> all.add(p.getAttributesList()));
    } else if (metric.hasGauge()) {
      metric.getGauge().getDataPointsList().forEach(p -> all.add(p.getAttributesList()));
    } else if (metric.hasHistogram()) {
      metric.getHistogram().getDataPointsList().forEach(p -> all.add(p.getAttributesList()));
    }
    return all;
  }

  static Map<String, String> attributes(List<KeyValue> list) {
    Map<String, String> attrs = new TreeMap<>();
    for (KeyValue kv : list) {
      attrs.put(kv.getKey(), render(kv.getValue()));
    }
    return attrs;
  }

  private static String render(AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE: return value.getStringValue();
      case INT_VALUE: return Long.toString(value.getIntValue());
      case BOOL_VALUE: return Boolean.toString(value.getBoolValue());
      case DOUBLE_VALUE: return Double.toString(value.getDoubleValue());
      default: return value.toString();
    }
  }
}
