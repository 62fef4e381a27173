package dev.spillway.agent.util;

import java.lang.StackWalker.StackFrame;
import java.util.function.Predicate;

/**
 * The code that owns an executor or a queue: the first frame on the stack that is not plumbing
 * (the JDK's concurrency classes, factories, the agent). Walked lazily, and only when an object is
 * first seen, never per operation.
 */
public final class CallSites {

  private static final StackWalker WALKER =
      StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

  private CallSites() {}

  /**
   * The class of the first frame {@code plumbing} rejects, plus {@code .method} when
   * {@code withMethod} and the method is not a constructor or static initializer; null if none.
   */
  public static String owner(Predicate<StackFrame> plumbing, boolean withMethod) {
    StackFrame frame = ownerFrame(plumbing);
    return frame == null ? null : describe(frame, withMethod);
  }

  /** The first frame {@code plumbing} rejects, or null. */
  public static StackFrame ownerFrame(Predicate<StackFrame> plumbing) {
    return WALKER.walk(frames -> frames.filter(plumbing.negate()).findFirst().orElse(null));
  }

  /** As {@link #owner}, for a frame already found. */
  public static String describe(StackFrame frame, boolean withMethod) {
    String owner = className(frame.getClassName());
    String method = frame.getMethodName();
    return withMethod && !method.startsWith("<") && !method.startsWith("lambda$") ? owner + "." + method : owner;
  }

  /** {@code com.acme.Foo$$Lambda/0x0123} and {@code com.acme.Foo$$Lambda$14} become {@code com.acme.Foo}. */
  public static String className(String frameClass) {
    int lambda = frameClass.indexOf("$$");
    String name = lambda > 0 ? frameClass.substring(0, lambda) : frameClass;
    int hidden = name.indexOf('/');
    return hidden > 0 ? name.substring(0, hidden) : name;
  }

  /** Whether the class name starts with one of the prefixes. */
  public static boolean startsWithAny(String name, String[] prefixes) {
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
