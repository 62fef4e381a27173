package dev.spillway.bootstrap;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * The installed-once flag, shared by every attach to this JVM.
 *
 * <p>It lives on the bootstrap class path because that is appended once per JVM, whereas each
 * {@code -javaagent} or attach runs the launcher again. The running agent registers a control entry
 * here; a later attach finds it and hands over its arguments instead of instrumenting a second time.
 * The entry is a JDK type so that the launcher can call it without naming agent classes.
 */
public final class AgentState {

  private static final AtomicReference<Consumer<String>> RUNNING = new AtomicReference<>();
  /** Opened once the first agent's bytecode is in place (or it gave up): see {@code spillway.startup}. */
  private static final CountDownLatch INSTRUMENTED = new CountDownLatch(1);

  private AgentState() {}

  /** Claims this JVM for one agent; false if another already runs (then reconfigure that one). */
  public static boolean claim(Consumer<String> reconfigure) {
    return RUNNING.compareAndSet(null, reconfigure);
  }

  /** The running agent's reconfigure entry, or null when none runs. */
  public static Consumer<String> running() {
    return RUNNING.get();
  }

  /** The agent's bytecode is in place, or will not be: whoever waits for it may go on. */
  public static void instrumented() {
    INSTRUMENTED.countDown();
  }

  /** Waits at most {@code millis} for {@link #instrumented}; true if it came. */
  public static boolean awaitInstrumented(long millis) {
    try {
      return INSTRUMENTED.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Gives the JVM back after a detach. */
  public static void release(Consumer<String> reconfigure) {
    RUNNING.compareAndSet(reconfigure, null);
  }
}
