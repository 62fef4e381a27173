package dev.spillway.agent.util;

import dev.spillway.agent.AgentLog;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.PriorityBlockingQueue;

/**
 * A queue's size for a shedding rule's check, made on the submitting thread at every insert.
 *
 * <p>{@code ArrayBlockingQueue}, {@code LinkedBlockingDeque} and {@code PriorityBlockingQueue}
 * take their lock in {@code size()}: a check at every insert would take it once more per element,
 * against the producers and consumers of a busy queue. Their count field, read without the lock,
 * is what {@code size()} returns a moment later, which is all a threshold needs. It is read once
 * {@code java.util.concurrent} is opened to the agent ({@link #open}), and only for those exact
 * classes (a subclass may count otherwise); every other queue, and all of them until then,
 * answer {@code size()}.
 */
public final class QueueSizes {

  private static volatile boolean open;

  private QueueSizes() {}

  /** Opens {@code java.util.concurrent} to the agent's own module alone, and reads the fields. */
  public static void open(Instrumentation inst) {
    if (open) {
      return;
    }
    try {
      JavaBase.openToAgent(inst, "java.util.concurrent");
      open = Fields.ARRAY != null && Fields.DEQUE != null && Fields.PRIORITY != null;
    } catch (Throwable t) {
      AgentLog.debug("queue sizes are read through size()", t);
    }
  }

  /** The number of elements in {@code queue}. */
  public static int of(BlockingQueue<?> queue) {
    if (open) {
      Class<?> type = queue.getClass();
      if (type == ArrayBlockingQueue.class) {
        return (int) Fields.ARRAY.getOpaque(queue);
      }
      if (type == LinkedBlockingDeque.class) {
        return (int) Fields.DEQUE.getOpaque(queue);
      }
      if (type == PriorityBlockingQueue.class) {
        return (int) Fields.PRIORITY.getOpaque(queue);
      }
    }
    return queue.size();
  }

  /** Looked up at first use after {@link #open}; constants for the JIT from then on. */
  private static final class Fields {
    static final VarHandle ARRAY = field(ArrayBlockingQueue.class, "count");
    static final VarHandle DEQUE = field(LinkedBlockingDeque.class, "count");
    static final VarHandle PRIORITY = field(PriorityBlockingQueue.class, "size");

    private static VarHandle field(Class<?> type, String name) {
      try {
        return MethodHandles.privateLookupIn(type, MethodHandles.lookup()).findVarHandle(type, name, int.class);
      } catch (ReflectiveOperationException | RuntimeException e) {
        AgentLog.debug("cannot read " + type.getName() + "." + name, e);
        return null;
      }
    }
  }
}
