package dev.spillway.it.httpclient;

/** OkHttp 5.5 (okhttp-jvm). */
class OkHttp5IT extends AbstractOkHttpIT {
  @Override String libraryJars() { return "okhttp5"; }
}
