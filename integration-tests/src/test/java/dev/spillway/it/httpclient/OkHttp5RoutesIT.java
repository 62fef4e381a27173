package dev.spillway.it.httpclient;

/** OkHttp 5: the pool's connections and the dispatcher's running calls by route. */
class OkHttp5RoutesIT extends AbstractHttpRoutesIT {
  @Override String client() { return "okHttp"; }
  @Override String libraryJars() { return "okhttp5"; }
  @Override String dispatcherName() { return poolName() + ".dispatcher"; }
}
