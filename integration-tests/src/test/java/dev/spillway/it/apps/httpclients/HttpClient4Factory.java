package dev.spillway.it.apps.httpclients;

import dev.spillway.it.apps.HttpClientApp;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.http.util.EntityUtils;

/** Apache HttpClient 4.5: a pooling connection manager of {@code size} connections, all to one route. */
public final class HttpClient4Factory implements HttpClientApp.Factory {
  @Override
  public HttpClientApp.Client create(int size, int timeoutMillis) {
    PoolingHttpClientConnectionManager manager = new PoolingHttpClientConnectionManager();
    manager.setMaxTotal(size);
    manager.setDefaultMaxPerRoute(size);
    CloseableHttpClient client = HttpClients.custom().setConnectionManager(manager)
        .setDefaultRequestConfig(RequestConfig.custom().setConnectionRequestTimeout(timeoutMillis).build())
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
        manager.closeIdleConnections(0, TimeUnit.MILLISECONDS);
      }

      @Override
      public void close() throws Exception {
        client.close();
      }
    };
  }
}
