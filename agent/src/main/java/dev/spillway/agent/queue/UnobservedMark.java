package dev.spillway.agent.queue;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.install.MethodCode;
import java.lang.reflect.Field;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sets the mark that switches a queue's woven hooks off ({@link MethodCode#jumpIfUnobserved}) on
 * a queue whose hooks have nothing to do: an executor's work queue, which the executor reports, or
 * a queue of the agent's own. Each operation on it then costs one field read instead of a registry
 * lookup. Only the classes the {@code JdkWeaver} wove as they loaded carry the field (under
 * {@code -javaagent}, with {@code java.util.concurrent} opened to the agent); for the others this
 * does nothing, and their hooks find the queue ignored as before.
 */
final class UnobservedMark {

  /** The mark's field by queue class, empty for a class without one. Not a ClassValue: that would live in the JDK's classes after a detach. */
  private final ConcurrentHashMap<Class<?>, Optional<Field>> fields = new ConcurrentHashMap<>();

  void set(Object queue, boolean unobserved) {
    Optional<Field> field = fields.computeIfAbsent(queue.getClass(), UnobservedMark::find);
    if (field.isPresent()) {
      try {
        field.get().setBoolean(queue, unobserved);
      } catch (ReflectiveOperationException | RuntimeException e) {
        AgentLog.debug("could not mark " + queue.getClass().getName() + ": " + e);
      }
    }
  }

  private static Optional<Field> find(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      if (c.getClassLoader() != null) {
        continue; // an application's subclass: the field is in the JDK class it extends
      }
      for (Field field : c.getDeclaredFields()) {
        if (field.getName().equals(MethodCode.UNOBSERVED) && field.getType() == boolean.class) {
          try {
            field.setAccessible(true);
            return Optional.of(field);
          } catch (RuntimeException e) {
            AgentLog.debug("the mark of " + c.getName() + " is not accessible: " + e);
            return Optional.empty();
          }
        }
      }
    }
    return Optional.empty();
  }
}
