package dev.spillway.it.httpclient;

/** OkHttp 4: the pool's connections and the dispatcher's running calls by route. */
class OkHttp4RoutesIT extends AbstractHttpRoutesIT {
  @Override String client() { return "okHttp"; }
  @Override String libraryJars() { return "okhttp4"; }
  @Override String dispatcherName() { return poolName() + ".dispatcher"; }
}
