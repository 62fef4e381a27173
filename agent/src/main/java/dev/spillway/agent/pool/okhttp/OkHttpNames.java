package dev.spillway.agent.pool.okhttp;

/**
 * OkHttp's class and package names, joined at run time: the agent's build relocates its own copy
 * of OkHttp (and Kotlin), and rewrites every string constant that starts with {@code okhttp3.}
 * (or {@code kotlin.}) with it, which would point the advice at the agent's own exporter instead
 * of the application's OkHttp.
 */
final class OkHttpNames {

  static final String DISPATCHER = okhttp("Dispatcher");
  static final String REAL_CALL = okhttp("internal.connection.RealCall");
  static final String ASYNC_CALL = okhttp("internal.connection.RealCall$AsyncCall");
  static final String CONNECTION_POOL = okhttp("internal.connection.RealConnectionPool");
  static final String CONNECTION = okhttp("internal.connection.RealConnection");
  static final String ROUTE = okhttp("Route");
  static final String CALL = okhttp("Call");
  static final String CALLBACK = okhttp("Callback");
  static final String ADDRESS = okhttp("Address");
  static final String HTTP_URL = okhttp("HttpUrl");
  /** The application's OkHttp, Okio and Kotlin: never the code that uses a pool. */
  static final String[] PACKAGES = {okhttp(""), String.join("", "ok", "io."), String.join("", "kot", "lin.")};

  private OkHttpNames() {}

  private static String okhttp(String rest) {
    return String.join("", "ok", "http3.", rest);
  }
}
