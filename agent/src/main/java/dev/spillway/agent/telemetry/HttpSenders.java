package dev.spillway.agent.telemetry;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses how OTLP over HTTP is sent: to an {@code http://} endpoint without a proxy, the agent's
 * own sender on a plain socket ({@link CleartextHttpSender}, which that agent does not instrument
 * either); otherwise the JDK {@code HttpClient}, unless the OpenTelemetry Java agent runs in this
 * JVM, and then our relocated OkHttp.
 *
 * <p>That agent instruments the JDK {@code HttpClient} (and {@code HttpURLConnection}) by class
 * name, whoever calls it: our exports would each become a CLIENT span of the application and count
 * in its {@code http.client.*} metrics, and our relocated SDK cannot set that agent's
 * "suppress instrumentation" context, whose classes are its own. It matches OkHttp by its
 * {@code okhttp3} package, which ours is not in. Without that agent the JDK client is used for
 * {@code https://} and proxies: it starts faster and loads less (no Kotlin runtime).
 */
final class HttpSenders implements ComponentLoader {

  /** Spelled so that the relocation of our own OpenTelemetry leaves it alone. */
  private static final String AGENT_CLASS =
      String.join("/", "io", "opentelemetry", "javaagent", "OpenTelemetryAgent") + ".class";

  private final ComponentLoader delegate;
  private final boolean otelAgent;

  HttpSenders(ComponentLoader delegate, boolean otelAgent) {
    this.delegate = delegate;
    this.otelAgent = otelAgent;
  }

  /**
   * Whether the OpenTelemetry Java agent runs (or is about to) in this JVM. The JVM puts every
   * {@code -javaagent} jar on the system class path before any agent's {@code premain} runs, so
   * this holds even when that agent is listed after Spillway; an agent attached before us put its
   * jar on the bootstrap class path. Only resources are read: nothing of it is loaded.
   */
  static boolean otelAgentPresent() {
    try {
      return ClassLoader.getSystemResource(AGENT_CLASS) != null
          || Object.class.getResource("/" + AGENT_CLASS) != null;
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Override
  public <T> Iterable<T> load(Class<T> type) {
    Iterable<T> all = delegate.load(type);
    if (type != HttpSenderProvider.class) {
      return all;
    }
    String wanted = otelAgent ? ".sender.okhttp." : ".sender.jdk.";
    List<T> chosen = new ArrayList<>(1);
    for (T provider : all) {
      if (provider.getClass().getName().contains(wanted)) {
        chosen.add(type.cast(new CleartextSenders((HttpSenderProvider) provider, !otelAgent)));
      }
    }
    return chosen;
  }
}
