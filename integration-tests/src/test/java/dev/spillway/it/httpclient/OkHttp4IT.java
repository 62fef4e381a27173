package dev.spillway.it.httpclient;

/** OkHttp 4.12. */
class OkHttp4IT extends AbstractOkHttpIT {
  @Override String libraryJars() { return "okhttp4"; }
}
