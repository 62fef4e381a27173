package dev.spillway.agent.pool;

import dev.spillway.agent.util.CallSites;
import java.io.InterruptedIOException;
import java.lang.StackWalker.StackFrame;

/**
 * What every HTTP client pool's adapter shares: the {@link PoolDomain#HTTP} names, no JDBC URL,
 * no use time (nothing is kept per connection), the name of the application code that first used
 * the pool, and a refusal in the library's own "no connection available" exception.
 *
 * <p>No HTTP client names its pools, and one pool serves many routes, so a pool is named after the
 * application class whose code first used it ({@code com.acme.PaymentsClient}): stable across
 * restarts, low-cardinality, and free of hosts, credentials and query strings. Code that only
 * the library runs (a dispatcher thread) gives the library's class name instead.
 */
public abstract class HttpPoolAdapter extends PoolAdapter {

  /**
   * Frames that are never the application's: the JDK, Kotlin's runtime, the agent, and the
   * façades an application calls a client through (Spring's {@code RestClient} and
   * {@code RestTemplate} with their request factories and Micrometer's observation around them,
   * OpenFeign, Retrofit): named after those, every client of a Spring service would share one
   * name, numbered in the order they were first used.
   */
  private static final String[] NOT_APPLICATION = {
      "java.", "javax.", "jdk.", "sun.", "com.sun.", "kotlin.", "dev.spillway.agent.", "dev.spillway.bootstrap.",
      "org.springframework.http.client.", "org.springframework.web.client.", "io.micrometer.observation.",
      "org.springframework.cloud.openfeign.", "feign.", "retrofit2."};

  private final String[] libraryPackages;
  private final String timeoutType;

  /**
   * @param libraryPackages the library's own packages, skipped when looking for the using code
   * @param timeoutType the library's exception for "no connection available in time", or null
   */
  protected HttpPoolAdapter(String[] libraryPackages, String timeoutType) {
    this.libraryPackages = libraryPackages.clone();
    this.timeoutType = timeoutType;
  }

  @Override
  public final PoolDomain domain() {
    return PoolDomain.HTTP;
  }

  /** Nothing is kept per borrowed connection: HTTP client pools report no use time. */
  @Override
  public final Object pooledItem(Object returned) {
    return null;
  }

  @Override
  public String configuredName(Object pool, Object owner) {
    return null;
  }

  @Override
  public final String jdbcUrl(Object pool, Object owner) {
    return null;
  }

  /** The application class on the stack of the thread that first uses the pool. */
  @Override
  public String nameAtFirstSight(Object pool) {
    StackFrame frame = CallSites.ownerFrame(f -> CallSites.startsWithAny(f.getClassName(), NOT_APPLICATION)
        || CallSites.startsWithAny(f.getClassName(), libraryPackages));
    if (frame == null) {
      return null;
    }
    // The outer class of an anonymous or nested one: com.acme.Client$1 is com.acme.Client.
    String name = CallSites.className(frame.getClassName());
    int nested = name.indexOf('$');
    return nested > 0 ? name.substring(0, nested) : name;
  }

  /**
   * Adds the pool's connections (or, for a request dispatcher, its running calls) by route to
   * {@code into}, read at collection time from what the pool already holds; may throw.
   */
  public abstract void readRoutes(Object pool, HttpRoutes into) throws Exception;

  @Override
  public boolean isTimeout(Throwable thrown) {
    return timeoutType != null && Reflect.causedBy(thrown, timeoutType);
  }

  /**
   * The library's timeout exception, made through the pool's class loader with the rule's message:
   * the caller sees what the pool itself throws when no connection comes in time. An
   * {@code InterruptedIOException} (its common superclass) if that cannot be made.
   */
  @Override
  public Throwable refusal(Object pool, String message, boolean jdbc) {
    if (timeoutType != null) {
      try {
        return (Throwable) Class.forName(timeoutType, false, pool.getClass().getClassLoader())
            .getConstructor(String.class).newInstance(message);
      } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
        // below
      }
    }
    return new InterruptedIOException(message);
  }

  @Override
  public Throwable refusal(String message, boolean jdbc) {
    return new InterruptedIOException(message);
  }
}
