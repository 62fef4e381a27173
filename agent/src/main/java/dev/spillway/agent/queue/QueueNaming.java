package dev.spillway.agent.queue;

import dev.spillway.agent.util.AssignedField;
import dev.spillway.agent.util.CallSites;
import dev.spillway.agent.util.JdkCode;
import dev.spillway.agent.util.Renames;
import java.lang.StackWalker.StackFrame;
import java.util.concurrent.BlockingQueue;

/**
 * How a queue gets its {@code jvm.queue.name}: the code that created it, which is stable across
 * restarts and follows the code, not the traffic. {@code com.acme.Pipeline.inbox} when the new
 * queue went straight into a field {@code inbox} (or a static one), else {@code com.acme.Pipeline}
 * when a constructor or static initializer created it, {@code com.acme.Pipeline.start} when a
 * method did. Every queue
 * created at the same place shares that name and its series: one queue per connection is one
 * series. A queue the agent met already built (it started after the queue) is named after the
 * field the first inserting code read it from ({@code this.inbox.offer(x)} gives
 * {@code com.acme.Pipeline.inbox}, as its creation would have), else after that code's class and
 * method. Renames from {@code spillway.queue.names} apply.
 */
final class QueueNaming {

  /** Frames from these packages are plumbing, not the code that owns a queue. */
  private static final String[] PLUMBING = {
      "java.util.concurrent.", "java.util.AbstractQueue", "dev.spillway.agent.", "dev.spillway.bootstrap."};

  private final Renames renames;

  QueueNaming(String renameSpec) {
    this.renames = Renames.parse(renameSpec, "spillway.queue.names");
  }

  /**
   * The creating (or first inserting) code, from the current stack: the field the new queue is
   * stored into when there is one ({@code com.acme.Pipeline.inbox}), else the class, or the class
   * and method.
   */
  static String site(Class<?> queueClass) {
    return site(ownerFrame(), queueClass);
  }

  /** The frame of the creating (or first inserting) code on this stack, or null. */
  static StackFrame ownerFrame() {
    return CallSites.ownerFrame(QueueNaming::isPlumbing);
  }

  /** As {@link #site(Class)}, from a frame {@link #ownerFrame} found. */
  static String site(StackFrame frame, Class<?> queueClass) {
    if (frame == null) {
      return "unknown";
    }
    String field = AssignedField.of(frame, queueClass);
    if (field != null) {
      return CallSites.className(frame.getClassName()) + "." + field;
    }
    // Met at an insert (after an attach): the field the queue is read from names it as its
    // creation would have ({@code this.handoffQueue.offer(x)} gives ConcurrentBag.handoffQueue).
    String receiver = AssignedField.receiverField(frame, queueClass);
    return receiver != null ? CallSites.className(receiver) : CallSites.describe(frame, true);
  }

  private static boolean isPlumbing(StackFrame frame) {
    // The code of a queue subclass (its constructor, an offer that calls super.offer) is part of
    // the queue, not its owner.
    return CallSites.startsWithAny(frame.getClassName(), PLUMBING) || JdkCode.isNeutral(frame.getClassName())
        || BlockingQueue.class.isAssignableFrom(frame.getDeclaringClass());
  }

  String name(String site) {
    return renames.apply(site);
  }
}
