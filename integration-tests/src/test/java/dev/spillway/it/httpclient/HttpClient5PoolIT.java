package dev.spillway.it.httpclient;

/** Apache HttpClient 5.5, classic. */
class HttpClient5PoolIT extends AbstractHttpClientPoolIT {
  @Override String client() { return "httpClient5"; }
  @Override String libraryJars() { return "httpclient55"; }
  @Override String timeoutException() { return "org.apache.hc.core5.http.ConnectionRequestTimeoutException"; }
}
