package dev.spillway.it.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The slow-acquire spans of Spillway's pool scope ({@code db.client.connection.acquire},
 * {@code http.client.connection.acquire}) as a receiver got them, and the checks every pool test
 * makes of those inside the application's own spans.
 */
public final class AcquireSpans {

  private AcquireSpans() {}

  /** Every span named {@code name} of the scope {@code dev.spillway.pool}. */
  public static List<Span> named(OtlpReceiver receiver, String name) {
    List<Span> spans = new ArrayList<>();
    for (ResourceSpans resource : receiver.spans()) {
      for (ScopeSpans scope : resource.getScopeSpansList()) {
        if (scope.getScope().getName().equals("dev.spillway.pool")) {
          for (Span span : scope.getSpansList()) {
            if (span.getName().equals(name)) {
              spans.add(span);
            }
          }
        }
      }
    }
    return spans;
  }

  /**
   * The outcomes of the spans in the traces of {@code parents} (trace id to the application span
   * that waited), after checking that each is that span's child and names the pool.
   */
  public static List<String> outcomesUnder(List<Span> spans, Map<String, String> parents, String poolKey,
      String pool) {
    List<String> outcomes = new ArrayList<>();
    for (Span span : spans) {
      String traceId = hex(span.getTraceId());
      if (parents.containsKey(traceId)) {
        assertThat(hex(span.getParentSpanId())).as("parent of the acquire span in trace %s", traceId)
            .isEqualTo(parents.get(traceId));
        assertThat(attribute(span, poolKey)).isEqualTo(pool);
        outcomes.add(attribute(span, "spillway.pool.acquire.outcome"));
      }
    }
    return outcomes;
  }

  /** How many of {@code spans} are in the traces of {@code parents}. */
  public static long inTraces(List<Span> spans, Map<String, String> parents) {
    return spans.stream().filter(s -> parents.containsKey(hex(s.getTraceId()))).count();
  }

  public static String attribute(Span span, String key) {
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().getStringValue();
      }
    }
    return null;
  }

  public static String hex(com.google.protobuf.ByteString bytes) {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }
}
