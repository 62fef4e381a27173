package dev.spillway.agent.pool;

import java.sql.SQLTransientConnectionException;

/**
 * How the agent reads one library's pools: the library's own getters, called by reflection when
 * metrics are collected, never on the acquire path; except {@link #pending}, which a shedding rule
 * reads on each admission, through a method handle that allocates nothing. One per library, in its sub-package; stateless, so shared by every pool of the library.
 *
 * <p>Every method may throw (a getter missing in some version, a pool closing under us); callers
 * treat that as "not known".
 */
public abstract class PoolAdapter {

  /** Library name for log lines: "HikariCP". */
  public abstract String library();

  /** What its pools pool, and so the names they report under. */
  public PoolDomain domain() {
    return PoolDomain.DB;
  }

  /**
   * Whether the agent sees the acquires of {@code pool}, so times them, counts their timeouts and
   * can refuse them: false where the advice only finds the pool (OkHttp's connection pool, where
   * nothing waits), whose {@code timeouts} are then left out rather than reported as 0, and to
   * which no shedding rule is bound.
   */
  public boolean seesAcquires(Object pool) {
    return true;
  }

  /**
   * Whether a wait of {@code pool}'s acquires can end in the library's own timeout, so that its
   * {@code timeouts} are counted (0 included); false where nothing times the wait out (OkHttp's
   * dispatcher), whose {@code timeouts} are left out.
   */
  public boolean countsTimeouts(Object pool) {
    return seesAcquires(pool);
  }

  /**
   * Whether an acquire takes a request slot rather than a connection (OkHttp's dispatcher): its
   * wait is {@code http.client.request.wait_time}, not a connection's.
   */
  public boolean acquiresRequestSlots() {
    return false;
  }

  /** Whether {@code pool} is a pool this adapter reads (the advice may see subclasses and lookalikes). */
  public boolean accepts(Object pool) {
    return true;
  }

  /**
   * The pool's own entry behind what an acquire returned, which the pool reuses and hands back to
   * its release method: the returned object itself, for most libraries.
   */
  public Object pooledItem(Object returned) throws Exception {
    return returned;
  }

  /** Fills {@code into} with the pool's current state; fields it cannot give stay -1. */
  public abstract void read(Object pool, PoolState into) throws Exception;

  /**
   * Requests waiting for a connection now; -1 when unknown. For shedding rules, on every admission
   * to a pool with a rule: read with {@link Reflect.NumberGetter}, never {@code Method.invoke}.
   */
  public abstract int pending(Object pool) throws Exception;

  /** Whether the pool was closed: it then leaves the metrics. */
  public abstract boolean isClosed(Object pool) throws Exception;

  /** Whether an acquisition failed with the pool's own timeout. */
  public abstract boolean isTimeout(Throwable thrown);

  /**
   * The name the user gave the pool, or null when none was given (a generated name such as
   * {@code HikariPool-3} does not count: it changes with creation order).
   */
  public abstract String configuredName(Object pool, Object owner) throws Exception;

  /** The JDBC URL the pool connects to, or null. */
  public abstract String jdbcUrl(Object pool, Object owner) throws Exception;

  /**
   * A name only the thread that first meets {@code pool} can tell (the application code using
   * it), or null: asked once, on that thread, when the pool is first seen, before any other thread
   * (a metrics collection) may name it. It comes after the configured name and the URL, before
   * {@link #fallbackName}.
   */
  public String nameAtFirstSight(Object pool) {
    return null;
  }

  /** A last-resort stable name (a factory or data source class), or null. */
  public String fallbackName(Object pool, Object owner) throws Exception {
    return null;
  }

  /**
   * The failure a shedding rule's refusal takes. {@code jdbc}: the request came through a JDBC
   * entry point ({@code getConnection}), which gets a {@code SQLTransientConnectionException}.
   */
  public Throwable refusal(String message, boolean jdbc) {
    return new SQLTransientConnectionException(message);
  }

  /**
   * As {@link #refusal(String, boolean)}, for a library whose exception type is in the pool's own
   * class loader (an HTTP client's "no connection available"), made through {@code pool}'s class.
   */
  public Throwable refusal(Object pool, String message, boolean jdbc) {
    return refusal(message, jdbc);
  }

  /**
   * For a library whose acquire hands the connection (or slot) over later (HttpClient 5's async
   * lease, OkHttp's enqueued call): the lease failed as the library itself fails one, carrying
   * {@code message}, its {@code callback} (for OkHttp, the call) told; returns what the lease
   * method returns instead (a failed future), or any non-null value for a void one; null if this
   * library cannot refuse so (the lease is then admitted). May throw before failing anything (then
   * admitted too).
   */
  public Object failedAsyncAcquire(Object pool, Object callback, String message) throws Exception {
    return null;
  }

  /** A pool's state at one collection; -1 for what the pool cannot tell. */
  public static final class PoolState {
    public long used = -1;
    public long idle = -1;
    public long pending = -1;
    public long max = -1;
    public long idleMin = -1;
    public long idleMax = -1;
    /** Connections handed out since the pool started, where the pool counts them itself. */
    public long borrowed = -1;
    /** HTTP: most connections to one route (host and port) by default. */
    public long maxPerRoute = -1;
    /** HTTP request dispatchers (OkHttp): calls running now, waiting for a slot, and the limits. */
    public long activeRequests = -1;
    public long queuedRequests = -1;
    public long requestLimit = -1;
    public long requestLimitPerHost = -1;

    void clear() {
      used = idle = pending = max = idleMin = idleMax = borrowed = maxPerRoute = -1;
      activeRequests = queuedRequests = requestLimit = requestLimitPerHost = -1;
    }
  }
}
