package dev.spillway.it.httpclient;

/** Apache HttpClient 4.5: "Timeout waiting for connection from pool". */
class HttpClient4PoolIT extends AbstractHttpClientPoolIT {
  @Override String client() { return "httpClient4"; }
  @Override String libraryJars() { return "httpclient45"; }
  @Override String timeoutException() { return "org.apache.http.conn.ConnectionPoolTimeoutException"; }
}
