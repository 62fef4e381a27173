package dev.spillway.agent.executor;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.util.JavaBase;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Finds the executors that already run worker threads when the bytecode arrives (an attach, or a
 * class another agent loaded before us), from those threads: a stuck pool gets no further submit,
 * and its state is what matters most during an incident.
 *
 * <p>A worker thread runs a {@code ThreadPoolExecutor.Worker}, whose outer instance is its
 * executor. Neither link is public API, so this one scan at install reads them by reflection,
 * after opening {@code java.lang} and {@code java.util.concurrent} to the agent's own module only.
 * A thread factory may wrap the worker in a Runnable of its own: Tomcat's {@code TaskThread}
 * (around Tomcat's own workers, and the JDK's of its {@code Catalina-utility} executor), Netty's
 * {@code FastThreadLocalRunnable}. A Runnable that is not a worker is looked into once, through its
 * one field of type {@code Runnable}. Anything unexpected (another JDK's or Tomcat's field names)
 * makes it find nothing there, with a debug line.
 */
final class ExistingWorkers {

  private static final String WORKER = "java.util.concurrent.ThreadPoolExecutor$Worker";

  private ExistingWorkers() {}

  /** Calls {@code found} with each live worker thread and its executor. */
  static void forEach(Instrumentation inst, BiConsumer<Object, Thread> found) {
    try {
      JavaBase.openToAgent(inst, "java.lang", "java.util.concurrent");
      Class<?> worker = Class.forName(WORKER, false, null);
      Field outer = accessible(worker.getDeclaredField("this$0"));
      TaskReader tasks = TaskReader.create();
      Wrappers wrappers = new Wrappers();
      TomcatWorkers tomcat = new TomcatWorkers();
      for (Thread thread : allThreads()) {
        Object task = tasks.task(thread);
        if (task != null && task.getClass() != worker) {
          Object wrapped = wrappers.unwrap(task);
          task = wrapped == null ? task : wrapped;
        }
        Object executor = task == null ? null
            : task.getClass() == worker ? outer.get(task) : tomcat.executorOf(task);
        if (executor != null) {
          found.accept(executor, thread);
        }
      }
    } catch (Throwable t) {
      AgentLog.debug("could not look for executors from their worker threads", t);
    }
  }

  private static Thread[] allThreads() {
    ThreadGroup root = Thread.currentThread().getThreadGroup();
    while (root.getParent() != null) {
      root = root.getParent();
    }
    Thread[] threads = new Thread[root.activeCount() + 16];
    int count;
    while ((count = root.enumerate(threads, true)) == threads.length) {
      threads = new Thread[threads.length * 2];
    }
    return java.util.Arrays.copyOf(threads, count);
  }

  private static Field accessible(Field field) {
    field.setAccessible(true);
    return field;
  }

  /**
   * The Runnable inside a wrapping one: its one instance field of type {@code Runnable}, read by
   * reflection where the wrapper's module allows it; null for none.
   */
  private static final class Wrappers {
    /** Per class looked at, the field, or null: not a wrapper. */
    private final Map<Class<?>, Field> fields = new HashMap<>();

    Object unwrap(Object task) {
      Class<?> type = task.getClass();
      if (!fields.containsKey(type)) {
        fields.put(type, runnableField(type));
      }
      Field field = fields.get(type);
      try {
        return field == null ? null : field.get(task);
      } catch (IllegalAccessException | RuntimeException e) {
        return null;
      }
    }

    private static Field runnableField(Class<?> type) {
      Field found = null;
      for (Field field : type.getDeclaredFields()) {
        if (!Modifier.isStatic(field.getModifiers()) && field.getType() == Runnable.class) {
          if (found != null) {
            return null; // two: not a plain wrapper
          }
          found = field;
        }
      }
      try {
        return found == null ? null : accessible(found);
      } catch (RuntimeException notOpen) {
        return null;
      }
    }
  }

  /** Tomcat's executor behind one of its workers. */
  private static final class TomcatWorkers {
    private static final String WORKER = "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker";

    /** Per class: Tomcat can be loaded more than once (several applications in one JVM). */
    private final Map<Class<?>, Field> fields = new HashMap<>();
    private boolean failed;

    Object executorOf(Object worker) {
      if (failed || !worker.getClass().getName().equals(WORKER)) {
        return null;
      }
      try {
        return field(worker.getClass(), "this$0").get(worker);
      } catch (ReflectiveOperationException | RuntimeException e) {
        failed = true;
        AgentLog.debug("could not look for Tomcat executors from their worker threads", e);
        return null;
      }
    }

    private Field field(Class<?> type, String name) throws NoSuchFieldException {
      Field field = fields.get(type);
      if (field == null) {
        field = accessible(type.getDeclaredField(name));
        fields.put(type, field);
      }
      return field;
    }
  }

  /** A thread's Runnable: {@code Thread.target} up to JDK 18, {@code Thread.holder.task} after. */
  private static final class TaskReader {
    private final Field holder;
    private final Field task;

    private TaskReader(Field holder, Field task) {
      this.holder = holder;
      this.task = task;
    }

    static TaskReader create() throws ReflectiveOperationException {
      try {
        return new TaskReader(null, accessible(Thread.class.getDeclaredField("target")));
      } catch (NoSuchFieldException newerJdk) {
        Field holder = accessible(Thread.class.getDeclaredField("holder"));
        return new TaskReader(holder, accessible(holder.getType().getDeclaredField("task")));
      }
    }

    Object task(Thread thread) throws IllegalAccessException {
      Object owner = holder == null ? thread : holder.get(thread);
      return owner == null ? null : task.get(owner);
    }
  }
}
