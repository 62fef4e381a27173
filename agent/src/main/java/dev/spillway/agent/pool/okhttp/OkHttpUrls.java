package dev.spillway.agent.pool.okhttp;

import dev.spillway.agent.pool.Reflect.Getter;

/**
 * The target of an OkHttp connection ({@code route().address().url()}: the server behind any
 * proxy) or call ({@code request().url()}), an {@code HttpUrl}, and its scheme, host and port.
 */
final class OkHttpUrls {

  private final Getter route = new Getter("route");
  private final Getter address = new Getter("address");
  private final Getter request = new Getter("request");
  private final Getter url = new Getter("url");
  private final Getter scheme = new Getter("scheme");
  private final Getter host = new Getter("host");
  private final Getter port = new Getter("port");

  Object ofConnection(Object connection) throws Exception {
    return url.get(address.get(route.get(connection)));
  }

  Object ofCall(Object call) throws Exception {
    return url.get(request.get(call));
  }

  String scheme(Object httpUrl) throws Exception {
    return scheme.getString(httpUrl);
  }

  String host(Object httpUrl) throws Exception {
    return host.getString(httpUrl);
  }

  int port(Object httpUrl) throws Exception {
    return (int) port.getLong(httpUrl);
  }
}
