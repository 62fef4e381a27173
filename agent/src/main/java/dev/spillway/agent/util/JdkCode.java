package dev.spillway.agent.util;

import java.lang.StackWalker.StackFrame;

/**
 * Tells the JDK's own executors and queues (the JMX connector's {@code RMI Scheduler(0)}, the
 * HTTP client's, ...) from the application's, so that wildcard rules leave them alone: shedding
 * them breaks the JDK, not the overload.
 *
 * <p>JDK code is a class of a named module of the boot layer, defined by the boot or platform
 * loader. The public concurrency API ({@code java.util.concurrent}: {@code Executors}, the queues,
 * the default thread factories) is what applications build theirs with, so it decides nothing:
 * what counts is the code that called it.
 */
public final class JdkCode {

  private static final ClassLoader PLATFORM = ClassLoader.getPlatformClassLoader();
  /** Code that decides nothing about whose object it builds: the API, reflection, the agent. */
  private static final String[] NEUTRAL = {
      "java.util.concurrent.", "java.util.AbstractQueue", "java.lang.reflect.", "java.lang.invoke.",
      "jdk.internal.reflect.", "sun.reflect.", "dev.spillway.agent.", "dev.spillway.bootstrap."};

  private JdkCode() {}

  /** Whether {@code type} belongs to the JDK. */
  public static boolean isJdk(Class<?> type) {
    ClassLoader loader = type.getClassLoader();
    Module module = type.getModule();
    return (loader == null || loader == PLATFORM) && module.isNamed() && module.getLayer() == ModuleLayer.boot();
  }

  /** Whether {@code type} belongs to the JDK but not to its public concurrency API. */
  public static boolean isJdkInternal(Class<?> type) {
    return isJdk(type) && !CallSites.startsWithAny(type.getName(), NEUTRAL);
  }

  /** Whether a frame of this class says nothing about whose object is built (see {@link #calledByJdk}). */
  public static boolean isNeutral(String className) {
    return CallSites.startsWithAny(className, NEUTRAL);
  }

  /**
   * Whether the code on this stack that is building (or first using) an object of {@code type}
   * is the JDK's: the first frame past the concurrency API, the agent and the constructors of
   * {@code type} and its subclasses. False when there is no such frame.
   */
  public static boolean calledByJdk(Class<?> type) {
    StackFrame owner = CallSites.ownerFrame(frame -> CallSites.startsWithAny(frame.getClassName(), NEUTRAL)
        || ("<init>".equals(frame.getMethodName()) && type.isAssignableFrom(frame.getDeclaringClass())));
    return owner != null && isJdk(owner.getDeclaringClass());
  }

  /** As {@link #calledByJdk}, for a frame already found. */
  public static boolean isJdk(StackFrame frame) {
    return frame != null && isJdk(frame.getDeclaringClass());
  }
}
