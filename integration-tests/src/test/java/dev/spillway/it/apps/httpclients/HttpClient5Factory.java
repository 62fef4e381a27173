package dev.spillway.it.apps.httpclients;

import dev.spillway.it.apps.HttpClientApp;
import org.apache.hc.core5.util.TimeValue;
import java.util.function.Consumer;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/** Apache HttpClient 5, classic: a pooling connection manager of {@code size} connections, all to one route. */
public final class HttpClient5Factory implements HttpClientApp.Factory {
  @Override
  public HttpClientApp.Client create(int size, int timeoutMillis) {
    PoolingHttpClientConnectionManager manager = PoolingHttpClientConnectionManagerBuilder.create()
        .setMaxConnTotal(size).setMaxConnPerRoute(size).build();
    CloseableHttpClient client = HttpClients.custom().setConnectionManager(manager)
        .setDefaultRequestConfig(RequestConfig.custom()
            .setConnectionRequestTimeout(Timeout.ofMilliseconds(timeoutMillis)).build())
        .build();
    return new HttpClientApp.Client() {
      @Override
      public void get(String url, Consumer<Throwable> done) {
        try {
          client.execute(new HttpGet(url), response -> EntityUtils.toString(response.getEntity()));
          done.accept(null);
        } catch (Exception e) {
          done.accept(e);
        }
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
