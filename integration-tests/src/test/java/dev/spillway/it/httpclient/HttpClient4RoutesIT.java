package dev.spillway.it.httpclient;

/** Apache HttpClient 4.5: connections by route. */
class HttpClient4RoutesIT extends AbstractHttpRoutesIT {
  @Override String client() { return "httpClient4"; }
  @Override String libraryJars() { return "httpclient45"; }
}
