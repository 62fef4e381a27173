package dev.spillway.it.httpclient;

/** Apache HttpClient 5.4, classic. */
class HttpClient54PoolIT extends AbstractHttpClientPoolIT {
  @Override String client() { return "httpClient5"; }
  @Override String libraryJars() { return "httpclient54"; }
  @Override String timeoutException() { return "org.apache.hc.core5.http.ConnectionRequestTimeoutException"; }
}
