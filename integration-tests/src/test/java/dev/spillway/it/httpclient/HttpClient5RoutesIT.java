package dev.spillway.it.httpclient;

/** Apache HttpClient 5.5, classic: connections by route. */
class HttpClient5RoutesIT extends AbstractHttpRoutesIT {
  @Override String client() { return "httpClient5"; }
  @Override String libraryJars() { return "httpclient55"; }
}
