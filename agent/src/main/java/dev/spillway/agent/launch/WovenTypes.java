package dev.spillway.agent.launch;

import java.util.Set;

/**
 * Every class the agent may rewrite, by exact name: what {@link WeavingGate} holds until the weaver
 * is ready. The families declare their own classes ({@code TypeInstrumentation.typeNames()}); this
 * copy exists because the gate must be registered before any class of the families may load, and
 * {@code WovenTypesTest} keeps the two equal.
 */
final class WovenTypes {

  /** Rewritten only when virtual threads are counted: see {@code Launcher.heldTypes}. */
  static final String VIRTUAL_THREAD = "java.lang.VirtualThread";

  static final Set<String> NAMES = Set.of(
      // HTTP client pools; OkHttp's names joined at run time, as in pool/okhttp/OkHttpNames
      "org.apache.hc.client5.http.impl.classic.InternalExecRuntime",
      "org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager",
      "org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager$3$1",
      "org.apache.http.impl.conn.PoolingHttpClientConnectionManager",
      String.join("", "ok", "http3.Dispatcher"),
      String.join("", "ok", "http3.internal.connection.RealCall$AsyncCall"),
      String.join("", "ok", "http3.internal.connection.RealConnectionPool"),
      // executors
      "java.util.concurrent.ThreadPoolExecutor",
      "java.util.concurrent.ThreadPoolExecutor$Worker",
      "java.util.concurrent.ScheduledThreadPoolExecutor",
      "java.util.concurrent.ThreadPoolExecutor$AbortPolicy",
      "java.util.concurrent.ThreadPoolExecutor$CallerRunsPolicy",
      "java.util.concurrent.ThreadPoolExecutor$DiscardPolicy",
      "java.util.concurrent.ThreadPoolExecutor$DiscardOldestPolicy",
      "org.apache.tomcat.util.threads.ThreadPoolExecutor",
      "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker",
      "org.apache.tomcat.util.threads.TaskQueue",
      "org.eclipse.jetty.util.thread.QueuedThreadPool",
      "org.jboss.threads.EnhancedQueueExecutor",
      "org.jboss.threads.EnhancedQueueExecutor$Task",
      "reactor.core.scheduler.BoundedElasticScheduler",
      "reactor.core.scheduler.BoundedElasticScheduler$BoundedScheduledExecutorService",
      "io.vertx.core.impl.TaskQueue",
      // virtual threads (JDK 21+)
      WovenTypes.VIRTUAL_THREAD,
      // blocking queues
      "java.util.AbstractQueue",
      "java.util.concurrent.ArrayBlockingQueue",
      "java.util.concurrent.LinkedBlockingQueue",
      "java.util.concurrent.LinkedBlockingDeque",
      "java.util.concurrent.PriorityBlockingQueue",
      "java.util.concurrent.SynchronousQueue",
      "java.util.concurrent.LinkedTransferQueue",
      "java.util.concurrent.DelayQueue",
      // connection pools
      "com.zaxxer.hikari.pool.HikariPool",
      "org.apache.commons.pool2.impl.GenericObjectPool",
      "org.apache.commons.pool2.impl.GenericKeyedObjectPool",
      "org.apache.tomcat.jdbc.pool.ConnectionPool",
      "com.mchange.v2.c3p0.impl.C3P0PooledConnectionPool",
      "com.mchange.v2.c3p0.impl.C3P0PooledConnectionPool$1PooledConnectionResourcePoolManager",
      "com.mchange.v2.c3p0.impl.AbstractPoolBackedDataSource",
      "io.agroal.pool.ConnectionPool",
      "io.agroal.pool.ConnectionPool$CreateConnectionTask");

  /**
   * Rewritten, but never held at their first load: superclasses of JDK classes the agent itself
   * loads while it builds the weaver (the rules parser's collections extend {@code AbstractQueue}).
   * Held on an application thread, such a class would block the agent thread on that class's load
   * until the hold timed out. What it misses until it is retransformed is small: {@code add}'s
   * refusals are labelled {@code offer}.
   */
  static final Set<String> NOT_HELD = Set.of("java.util.AbstractQueue");

  private WovenTypes() {}
}
