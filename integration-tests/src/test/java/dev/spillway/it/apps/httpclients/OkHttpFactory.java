package dev.spillway.it.apps.httpclients;

import dev.spillway.it.apps.HttpClientApp;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * OkHttp: a dispatcher of {@code size} slots (in all and per host) and a pool keeping up to
 * {@code size} idle connections. Calls are enqueued, so that they wait in the dispatcher, except
 * the first round trip (a blocking {@code execute}, on the application's thread).
 */
public final class OkHttpFactory implements HttpClientApp.Factory {
  @Override
  public HttpClientApp.Client create(int size, int timeoutMillis) {
    Dispatcher dispatcher = new Dispatcher();
    dispatcher.setMaxRequests(size);
    dispatcher.setMaxRequestsPerHost(size);
    OkHttpClient client = new OkHttpClient.Builder().dispatcher(dispatcher)
        .connectionPool(new ConnectionPool(size, 5, TimeUnit.MINUTES))
        // Held requests wait for the test, not OkHttp's default 10 s read timeout (a loaded machine).
        .readTimeout(timeoutMillis * 10L, TimeUnit.MILLISECONDS)
        .callTimeout(timeoutMillis * 10L, TimeUnit.MILLISECONDS).build();
    return new HttpClientApp.Client() {
      private boolean first = true;

      @Override
      public void get(String url, Consumer<Throwable> done) {
        Call call = client.newCall(new Request.Builder().url(url).build());
        if (first) {
          first = false;
          try (Response response = call.execute()) {
            response.body().string();
            done.accept(null);
          } catch (IOException e) {
            done.accept(e);
          }
          return;
        }
        call.enqueue(new Callback() {
          @Override
          public void onFailure(Call c, IOException e) {
            done.accept(e);
          }

          @Override
          public void onResponse(Call c, Response response) throws IOException {
            try (Response r = response) {
              r.body().string();
            }
            done.accept(null);
          }
        });
      }

      @Override
      public void evictIdle() {
        client.connectionPool().evictAll();
      }

      @Override
      public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
      }
    };
  }
}
