package dev.spillway.agent.install;

/**
 * A Byte Buddy advice written out for the {@link JdkWeaver}: the bytecode it inlines, through
 * {@link MethodCode}. Each part must do what the advice class does: the same hook, the same
 * arguments, a {@code suppress = Throwable.class} as {@link MethodCode#beginSuppressed()} /
 * {@link MethodCode#endSuppressed}, a {@code skipOn} as {@link MethodCode#returnIfNonZero()}.
 */
public interface DirectAdvice {

  /** At the method's start. Declares here the locals and argument copies its exit reads. */
  default void enter(MethodCode code) {}

  /** Before each normal return (and a skip), the returned value in {@link MethodCode#loadReturned()}. */
  default void exit(MethodCode code) {}

  /**
   * Internal name of the exception type {@link #thrown} handles (Byte Buddy's {@code onThrowable}
   * where the advice does something with it); null for none.
   */
  default String thrownType() {
    return null;
  }

  /** When the method's own code throws a {@link #thrownType}, before it is thrown on; in {@link MethodCode#loadThrown()}. */
  default void thrown(MethodCode code) {}
}
