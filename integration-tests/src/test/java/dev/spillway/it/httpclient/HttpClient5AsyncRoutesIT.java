package dev.spillway.it.httpclient;

/** Apache HttpClient 5.5, async: connections by route. */
class HttpClient5AsyncRoutesIT extends AbstractHttpRoutesIT {
  @Override String client() { return "httpClient5Async"; }
  @Override String libraryJars() { return "httpclient55"; }
}
