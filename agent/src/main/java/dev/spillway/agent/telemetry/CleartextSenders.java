package dev.spillway.agent.telemetry;

import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.net.URI;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * An {@code http://} endpoint without a proxy gets the agent's own small sender
 * ({@link CleartextHttpSender}); otherwise the JDK sender, for an {@code http://} endpoint (through
 * a proxy) without TLS. The JDK's {@code HttpClient} sets up
 * the default TLS context when it is built, whatever it will connect to: some 400 classes of the
 * JDK's TLS and certificate code, and every trusted certificate parsed, several MiB of memory for a
 * collector spoken to in clear text. Given a context of its own, it does not. That context refuses
 * TLS, which a clear-text endpoint never asks for (the JDK client does not follow redirects unless
 * told to, and the exporter does not tell it).
 */
final class CleartextSenders implements HttpSenderProvider {

  private final HttpSenderProvider delegate;
  /** Whether {@code delegate} is the JDK sender, which builds the default TLS context unless given one. */
  private final boolean jdk;

  CleartextSenders(HttpSenderProvider delegate, boolean jdk) {
    this.delegate = delegate;
    this.jdk = jdk;
  }

  @Override
  public HttpSender createSender(HttpSenderConfig config) {
    boolean cleartext = config.getSslContext() == null && config.getEndpoint() != null
        && "http".equalsIgnoreCase(config.getEndpoint().getScheme());
    if (cleartext && config.getProxyOptions() == null && config.getEndpoint().getHost() != null) {
      return new CleartextHttpSender(config);
    }
    if (!jdk) {
      OkHttpThreads.used();
    }
    return delegate.createSender(cleartext && jdk ? new WithoutTls(config) : config);
  }

  /** The configuration as given, with a context that has no TLS in it. */
  private static final class WithoutTls implements HttpSenderConfig {
    private final HttpSenderConfig config;
    private final SSLContext none = new NoTls();

    WithoutTls(HttpSenderConfig config) {
      this.config = config;
    }

    @Override
    public URI getEndpoint() {
      return config.getEndpoint();
    }

    @Override
    public String getContentType() {
      return config.getContentType();
    }

    @Override
    public Compressor getCompressor() {
      return config.getCompressor();
    }

    @Override
    public Duration getTimeout() {
      return config.getTimeout();
    }

    @Override
    public Duration getConnectTimeout() {
      return config.getConnectTimeout();
    }

    @Override
    public Supplier<Map<String, List<String>>> getHeadersSupplier() {
      return config.getHeadersSupplier();
    }

    @Override
    public ProxyOptions getProxyOptions() {
      return config.getProxyOptions();
    }

    @Override
    public RetryPolicy getRetryPolicy() {
      return config.getRetryPolicy();
    }

    @Override
    public SSLContext getSslContext() {
      return none;
    }

    @Override
    public X509TrustManager getTrustManager() {
      return config.getTrustManager();
    }

    @Override
    public ExecutorService getExecutorService() {
      return config.getExecutorService();
    }

    @Override
    public long getMaxResponseBodySize() {
      return config.getMaxResponseBodySize();
    }

    @Override
    public List<String> getEnabledProtocols() {
      return config.getEnabledProtocols();
    }
  }

  /** A TLS context that has none: its parameters are empty and any TLS connection is refused. */
  static final class NoTls extends SSLContext {
    NoTls() {
      super(new Spi(), null, "none");
    }
  }

  private static final class Spi extends SSLContextSpi {

    private static UnsupportedOperationException refused() {
      return new UnsupportedOperationException("no TLS: the OTLP endpoint is http://");
    }

    @Override
    protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random)
        throws KeyManagementException {
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      throw refused();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      throw refused();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      throw refused();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return new SSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return new SSLParameters();
    }
  }
}
