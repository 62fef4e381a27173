package dev.spillway.agent.pool;

import dev.spillway.bootstrap.PoolHooks;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * The advice every pool library shares. Each library binds its number ({@link PoolHooks#HIKARI},
 * ...) into it, so that the woven code passes a constant and the hooks know whose pool it is.
 */
public final class PoolAdvice {

  /** The library's number, a constant in the woven code. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target(ElementType.PARAMETER)
  @interface Library {}

  private final Advice.WithCustomMapping mapping;

  public PoolAdvice(int library) {
    this.mapping = Advice.withCustomMapping().bind(Library.class, library);
  }

  /** On the method that hands out a connection or object: the pool is {@code this}. */
  public Advice acquire() {
    return mapping.to(Acquire.class);
  }

  /**
   * As {@link #acquire}, on a method of an object that acquires from the pool held in its field
   * {@code manager} (HttpClient 5's exec runtime, whose {@code acquireEndpoint} leases and waits).
   */
  public Advice acquireByManager() {
    return mapping.to(AcquireByManager.class);
  }

  /**
   * On a pool's lease method ({@code this}) whose connection comes later, through the future it
   * returns and the callback given as its fifth argument (HttpClient 5's async lease):
   * a shedding rule's refusal returns a failed future instead of leasing.
   */
  public Advice asyncAcquire() {
    return mapping.to(AsyncAcquire.class);
  }

  /**
   * As {@link #asyncAcquire}, on a void method that takes the lease itself as its argument and
   * hands it over later (OkHttp's {@code Dispatcher.enqueue}: the call waits there for a slot).
   */
  public Advice asyncAcquireOfArgument() {
    return mapping.to(AsyncAcquireOfArgument.class);
  }

  /** On the lease's own method that ends its wait ({@code this} is the lease: OkHttp's {@code AsyncCall.executeOn}). */
  public static Advice asyncAcquiredThis() {
    return Advice.to(AsyncAcquiredThis.class);
  }

  /**
   * On the methods of a lease's own callback (an inner class of the lease, whose outer instance
   * {@code this$1} is the future the lease method returned) that end the lease.
   */
  public static Advice asyncAcquired() {
    return Advice.to(AsyncAcquired.class);
  }

  /** On a method that shows the pool ({@code this}) in use, where nothing is timed. */
  public Advice use() {
    return mapping.to(Use.class);
  }

  /** On a method that takes back the item given as its first argument. */
  public Advice release() {
    return mapping.to(Release.class);
  }

  /** On a keyed pool's method that takes back the item given after its key. */
  public Advice releaseAfterKey() {
    return mapping.to(ReleaseAfterKey.class);
  }

  /** On the pool's method that opens a new connection or object and returns it. */
  public Advice create() {
    return mapping.to(Create.class);
  }

  /**
   * As {@link #create}, on a method of an inner class of the pool (a connection-making task or
   * resource manager), whose outer instance ({@code this$0}) is the pool.
   */
  public Advice createInInner() {
    return mapping.to(CreateInInner.class);
  }

  /** On a data source's {@code getConnection}: the acquires inside serve this data source. */
  public static Advice dataSource() {
    return Advice.to(DataSource.class);
  }

  /**
   * Not {@code suppress} on enter: a shedding rule's refusal must reach the caller. The hook
   * guarantees that nothing else escapes.
   *
   * <p>{@code backupArguments = false} on the exits: they read only {@code this}, which no method
   * reassigns, so Byte Buddy need not copy the arguments to new locals and rewrite every access
   * to them. The woven method stays smaller (HikariCP 7's {@code getConnection(long)}: 312 bytes
   * of bytecode instead of 334, from 257), under HotSpot's 325-byte limit for inlining a hot method.
   */
  static final class Acquire {
    @Advice.OnMethodEnter
    static long enter(@Advice.This Object pool, @Library int library) {
      return PoolHooks.onAcquire(pool, library);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.This Object pool, @Library int library, @Advice.Enter long start,
        @Advice.Return Object item, @Advice.Thrown Throwable thrown) {
      PoolHooks.afterAcquire(pool, library, start, item, thrown);
    }
  }

  static final class AcquireByManager {
    @Advice.OnMethodEnter
    static long enter(@Advice.FieldValue("manager") Object pool, @Library int library) {
      return PoolHooks.onAcquire(pool, library);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.FieldValue("manager") Object pool, @Library int library, @Advice.Enter long start,
        @Advice.Thrown Throwable thrown) {
      PoolHooks.afterAcquire(pool, library, start, null, thrown);
    }
  }

  /**
   * Skips the lease when the entry hook returns what to return instead (a refusal); the exit
   * assigns it. Nothing escapes either side ({@code suppress}): a refusal is a failed future here.
   */
  static final class AsyncAcquire {
    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class, suppress = Throwable.class)
    static Object enter(@Advice.This Object pool, @Library int library, @Advice.Argument(4) Object callback) {
      return PoolHooks.onAsyncAcquire(pool, library, callback);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.This Object pool, @Library int library, @Advice.Enter Object refused,
        @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object lease) {
      if (refused != null) {
        lease = refused;
      } else {
        PoolHooks.afterAsyncAcquire(pool, library, lease); // null if it threw: the hook then only forgets it
      }
    }
  }

  /**
   * Skips the method when the entry hook refuses: it failed the lease itself, and returns the
   * failure. Otherwise the entry's state (this thread's, or null for a pool not ours) goes to the
   * exit through {@code @Advice.Enter}, not through a second thread-local read.
   */
  static final class AsyncAcquireOfArgument {
    @Advice.OnMethodEnter(skipOn = Throwable.class, suppress = Throwable.class)
    static Object enter(@Advice.This Object pool, @Library int library, @Advice.Argument(0) Object lease) {
      return PoolHooks.onAsyncAcquireOf(pool, library, lease);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.This Object pool, @Advice.Enter Object state, @Advice.Argument(0) Object lease) {
      if (state != null) {
        PoolHooks.afterAsyncAcquireOf(pool, state, lease);
      }
    }
  }

  static final class AsyncAcquiredThis {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object lease) {
      PoolHooks.onAsyncAcquired(lease);
    }
  }

  static final class AsyncAcquired {
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.FieldValue("this$1") Object lease) {
      PoolHooks.onAsyncAcquired(lease);
    }
  }

  static final class Use {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object pool, @Library int library) {
      PoolHooks.onUse(pool, library);
    }
  }

  static final class Release {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object pool, @Library int library, @Advice.Argument(0) Object item) {
      PoolHooks.onRelease(pool, library, item);
    }
  }

  static final class ReleaseAfterKey {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.This Object pool, @Library int library, @Advice.Argument(1) Object item) {
      PoolHooks.onRelease(pool, library, item);
    }
  }

  static final class Create {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.This Object pool, @Library int library) {
      return PoolHooks.beforeCreate(pool, library);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.This Object pool, @Library int library, @Advice.Enter long start,
        @Advice.Return Object created, @Advice.Thrown Throwable thrown) {
      PoolHooks.afterCreate(pool, library, start, created, thrown);
    }
  }

  static final class CreateInInner {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.FieldValue("this$0") Object pool, @Library int library) {
      return PoolHooks.beforeCreate(pool, library);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.FieldValue("this$0") Object pool, @Library int library, @Advice.Enter long start,
        @Advice.Return Object created, @Advice.Thrown Throwable thrown) {
      PoolHooks.afterCreate(pool, library, start, created, thrown);
    }
  }

  static final class DataSource {
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static Object enter(@Advice.This Object dataSource) {
      return PoolHooks.enterDataSource(dataSource);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class, backupArguments = false)
    static void exit(@Advice.Enter Object previous) {
      PoolHooks.exitDataSource(previous);
    }
  }
}
