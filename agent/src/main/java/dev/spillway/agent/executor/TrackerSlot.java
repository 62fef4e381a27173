package dev.spillway.agent.executor;

import dev.spillway.agent.install.MethodCode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadPoolExecutor;

/**
 * A {@code ThreadPoolExecutor}'s tracker, kept in the field the {@code JdkWeaver} adds to the
 * class when it weaves it at its load ({@link MethodCode#carryState}): a submit or a rejection then
 * finds it with one field read instead of a registry lookup. The registry stays the authority (a
 * cleared or missing slot falls back to it); an executor rewritten by Byte Buddy (after an attach,
 * or with {@code startup=background}) has no such field, and this does nothing.
 *
 * <p>Holds trackers only, never the ignored marker; cleared when the registry releases a
 * tracker and at a detach, so that nothing of a detached agent stays reachable from the JDK's
 * objects.
 */
final class TrackerSlot {

  private TrackerSlot() {}

  /** Resolved at first use, from a hook: the class is loaded, and woven, by then. */
  private static final class Field {
    static final VarHandle STATE = find();

    private static VarHandle find() {
      try {
        return MethodHandles.privateLookupIn(ThreadPoolExecutor.class, MethodHandles.lookup())
            .findVarHandle(ThreadPoolExecutor.class, MethodCode.STATE, Object.class);
      } catch (ReflectiveOperationException | RuntimeException e) {
        return null; // not woven at its load, or java.util.concurrent not opened to the agent
      }
    }
  }

  /**
   * The tracker kept in {@code executor}, or null: also for one released meanwhile (a hook that
   * raced with the release may have put it back).
   */
  static ExecutorTracker get(Object executor) {
    VarHandle state = Field.STATE;
    if (state == null || !(executor instanceof ThreadPoolExecutor)) {
      return null;
    }
    Object held = (Object) state.getOpaque((ThreadPoolExecutor) executor);
    return held instanceof ExecutorTracker && !((ExecutorTracker) held).released ? (ExecutorTracker) held : null;
  }

  /** Keeps {@code tracker} in {@code executor}; null clears it. */
  static void set(Object executor, ExecutorTracker tracker) {
    VarHandle state = Field.STATE;
    if (state != null && executor instanceof ThreadPoolExecutor && tracker != ExecutorTracker.IGNORED) {
      state.setOpaque((ThreadPoolExecutor) executor, (Object) tracker);
    }
  }
}
