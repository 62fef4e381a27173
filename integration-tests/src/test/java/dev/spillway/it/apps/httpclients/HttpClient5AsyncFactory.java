package dev.spillway.it.apps.httpclients;

import dev.spillway.it.apps.HttpClientApp;
import org.apache.hc.core5.util.TimeValue;
import java.util.function.Consumer;
import org.apache.hc.client5.http.async.methods.SimpleHttpResponse;
import org.apache.hc.client5.http.async.methods.SimpleRequestBuilder;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.util.Timeout;

/** Apache HttpClient 5, async: a pooling async connection manager of {@code size} connections. */
public final class HttpClient5AsyncFactory implements HttpClientApp.Factory {
  @Override
  public HttpClientApp.Client create(int size, int timeoutMillis) {
    PoolingAsyncClientConnectionManager manager = PoolingAsyncClientConnectionManagerBuilder.create()
        .setMaxConnTotal(size).setMaxConnPerRoute(size)
        .setDefaultConnectionConfig(ConnectionConfig.custom().setSocketTimeout(Timeout.ofMinutes(1)).build())
        .build();
    CloseableHttpAsyncClient client = HttpAsyncClients.custom().setConnectionManager(manager)
        .setDefaultRequestConfig(RequestConfig.custom()
            .setConnectionRequestTimeout(Timeout.ofMilliseconds(timeoutMillis)).build())
        .build();
    client.start();
    return new HttpClientApp.Client() {
      @Override
      public void get(String url, Consumer<Throwable> done) {
        client.execute(SimpleRequestBuilder.get(url).build(), new FutureCallback<SimpleHttpResponse>() {
          @Override
          public void completed(SimpleHttpResponse response) {
            done.accept(null);
          }

          @Override
          public void failed(Exception e) {
            done.accept(e);
          }

          @Override
          public void cancelled() {
            done.accept(new IllegalStateException("cancelled"));
          }
        });
      }

      @Override
      public void evictIdle() {
        manager.closeIdle(TimeValue.ZERO_MILLISECONDS);
      }

      @Override
      public void close() throws Exception {
        client.close();
      }
    };
  }
}
