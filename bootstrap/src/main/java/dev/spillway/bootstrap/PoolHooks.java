package dev.spillway.bootstrap;

/**
 * What advice inlined into JDBC connection pools (HikariCP, commons-pool2 and DBCP2, Tomcat JDBC,
 * c3p0, Agroal) and HTTP client pools (Apache HttpClient 5 and 4.5, OkHttp) calls.
 *
 * <p>As {@link ExecutorHooks}: each hook hands over to a {@link Delegate} held in a volatile field,
 * a no-op object until the agent is up. The pools are loaded by application class loaders, which
 * reach this class through parent delegation. Arguments are {@code Object} and primitives only:
 * {@code java.sql} is not visible from the bootstrap loader, and advice must not name the library
 * classes it is woven into. Each advice passes its library's constant ({@link #HIKARI}...), so that
 * the agent knows how to read a pool without looking its class up.
 */
public final class PoolHooks {

  public static final int HIKARI = 0;
  public static final int COMMONS_POOL = 1;
  public static final int TOMCAT = 2;
  public static final int C3P0 = 3;
  public static final int AGROAL = 4;
  /** Apache HttpClient 5, classic and async connection managers. */
  public static final int HTTPCLIENT5 = 5;
  /** Apache HttpClient 4.5's pooling connection manager. */
  public static final int HTTPCLIENT4 = 6;
  /** OkHttp's {@code Dispatcher}. */
  public static final int OKHTTP_DISPATCHER = 7;
  /** OkHttp's connection pool ({@code RealConnectionPool}). */
  public static final int OKHTTP_POOL = 8;
  /** How many libraries there are: the size of arrays indexed by the constants above. */
  public static final int LIBRARIES = 9;

  /** The agent's side of the pool hooks. Implementations never throw, but for a deliberate shed. */
  public interface Delegate {
    /**
     * A caller starts to acquire a connection (or pooled object) from {@code pool}. Returns the
     * start time ({@link System#nanoTime()}) to hand to {@link #afterAcquire}, or 0 when this
     * acquisition is not measured. Throws, deliberately and only then, when a shedding rule refuses
     * the request: a {@code SQLTransientConnectionException} naming the rule at JDBC entry points,
     * or the pool's own exhaustion exception ({@code NoSuchElementException}) for a plain object
     * pool.
     */
    long onAcquire(Object pool, int library);

    /**
     * The acquisition started at {@code start} ended: with {@code returned}, what the acquire
     * method returned, or with {@code thrown}.
     */
    void afterAcquire(Object pool, int library, long start, Object returned, Throwable thrown);

    /**
     * A borrowed item (the pool's own entry for what was handed out) comes back to {@code pool}:
     * returned, or invalidated.
     */
    void onRelease(Object pool, int library, Object item);

    /** The pool starts to create a physical connection; returns the start time, or 0. */
    long beforeCreate(Object pool, int library);

    /** The creation started at {@code start} ended: {@code created} is null if nothing was made. */
    void afterCreate(Object pool, int library, long start, Object created, Throwable thrown);

    /**
     * A data source's {@code getConnection} was entered (c3p0): until {@link #exitDataSource},
     * acquisitions on this thread are on its behalf. Returns what to hand to {@code exitDataSource}.
     */
    Object enterDataSource(Object dataSource);

    /** The data source's {@code getConnection} returned or threw. */
    void exitDataSource(Object previous);

    /**
     * {@code pool} is in use, where its library has no acquire the agent can time (OkHttp's
     * connection pool, its dispatcher's blocking calls): it is found, nothing else.
     */
    void onUse(Object pool, int library);

    /**
     * A caller asks {@code pool} for a connection (or request slot) that the library hands over
     * later, on another thread: through {@code callback} and the future the lease method returns
     * (HttpClient 5's async lease), or to the call itself, given as {@code callback} (OkHttp's
     * {@code enqueue}). Returns null to let the lease go on; or, when a shedding rule refuses it,
     * non-null: what the lease method must return instead (a future already failed with the
     * library's own exception), the lease failed as the library itself fails one.
     */
    Object onAsyncAcquire(Object pool, int library, Object callback);

    /** The lease method of {@code pool} returned {@code lease} (a {@code Future}, or the call), ended now or later. */
    void afterAsyncAcquire(Object pool, int library, Object lease);

    /** The library completed, failed or cancelled {@code lease}, or gave the call its slot. */
    void onAsyncAcquired(Object lease);

    /**
     * As {@link #onAsyncAcquire}, for a void lease method that takes its lease as its argument
     * (OkHttp's {@code enqueue}). Returns null to let the lease go on unseen; a {@code Throwable}
     * when a shedding rule refused it (the lease failed as the library fails one: skip the method);
     * otherwise what {@link #afterAsyncAcquireOf} takes, so that the exit reads no thread-local.
     */
    Object onAsyncAcquireOf(Object pool, int library, Object lease);

    /** The lease method of {@code pool} returned; {@code state} is what {@link #onAsyncAcquireOf} returned, not null. */
    void afterAsyncAcquireOf(Object pool, Object state, Object lease);
  }

  /** The delegate used until the agent is up and after it is detached: does nothing. */
  public static final Delegate NO_OP = new Delegate() {
    @Override public long onAcquire(Object pool, int library) { return 0; }
    @Override public void afterAcquire(Object pool, int library, long start, Object returned, Throwable thrown) {}
    @Override public void onRelease(Object pool, int library, Object item) {}
    @Override public long beforeCreate(Object pool, int library) { return 0; }
    @Override public void afterCreate(Object pool, int library, long start, Object created, Throwable thrown) {}
    @Override public Object enterDataSource(Object dataSource) { return null; }
    @Override public void exitDataSource(Object previous) {}
    @Override public void onUse(Object pool, int library) {}
    @Override public Object onAsyncAcquire(Object pool, int library, Object callback) { return null; }
    @Override public void afterAsyncAcquire(Object pool, int library, Object lease) {}
    @Override public void onAsyncAcquired(Object lease) {}
    @Override public Object onAsyncAcquireOf(Object pool, int library, Object lease) { return null; }
    @Override public void afterAsyncAcquireOf(Object pool, Object state, Object lease) {}
  };

  private static volatile Delegate delegate = NO_OP;

  private PoolHooks() {}

  public static void install(Delegate newDelegate) {
    delegate = newDelegate == null ? NO_OP : newDelegate;
  }

  public static long onAcquire(Object pool, int library) {
    return delegate.onAcquire(pool, library);
  }

  public static void afterAcquire(Object pool, int library, long start, Object returned, Throwable thrown) {
    delegate.afterAcquire(pool, library, start, returned, thrown);
  }

  public static void onRelease(Object pool, int library, Object item) {
    delegate.onRelease(pool, library, item);
  }

  public static long beforeCreate(Object pool, int library) {
    return delegate.beforeCreate(pool, library);
  }

  public static void afterCreate(Object pool, int library, long start, Object created, Throwable thrown) {
    delegate.afterCreate(pool, library, start, created, thrown);
  }

  public static Object enterDataSource(Object dataSource) {
    return delegate.enterDataSource(dataSource);
  }

  public static void exitDataSource(Object previous) {
    delegate.exitDataSource(previous);
  }

  public static void onUse(Object pool, int library) {
    delegate.onUse(pool, library);
  }

  public static Object onAsyncAcquire(Object pool, int library, Object callback) {
    return delegate.onAsyncAcquire(pool, library, callback);
  }

  public static void afterAsyncAcquire(Object pool, int library, Object lease) {
    delegate.afterAsyncAcquire(pool, library, lease);
  }

  public static void onAsyncAcquired(Object lease) {
    delegate.onAsyncAcquired(lease);
  }

  public static Object onAsyncAcquireOf(Object pool, int library, Object lease) {
    return delegate.onAsyncAcquireOf(pool, library, lease);
  }

  public static void afterAsyncAcquireOf(Object pool, Object state, Object lease) {
    delegate.afterAsyncAcquireOf(pool, state, lease);
  }
}
