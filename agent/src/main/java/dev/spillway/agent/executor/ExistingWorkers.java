package dev.spillway.agent.executor;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.util.JavaBase;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
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
 * Tomcat's worker threads run its own {@code Worker} wrapped in a
 * {@code TaskThread.WrappingRunnable}: one more link, read the same way. Anything unexpected
 * (another JDK's or Tomcat's field names) makes it find nothing there, with a debug line.
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
      TomcatWorkers tomcat = new TomcatWorkers();
      for (Thread thread : allThreads()) {
        Object task = tasks.task(thread);
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

  /** Tomcat's executor behind a worker thread's Runnable, through its wrapper and its worker. */
  private static final class TomcatWorkers {
    private static final String WRAPPER = "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable";
    private static final String WORKER = "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker";

    /** Per class: Tomcat can be loaded more than once (several applications in one JVM). */
    private final Map<Class<?>, Field> fields = new HashMap<>();
    private boolean failed;

    Object executorOf(Object task) {
      if (failed || !task.getClass().getName().equals(WRAPPER)) {
        return null;
      }
      try {
        Object worker = field(task.getClass(), "wrappedRunnable").get(task);
        if (worker == null || !worker.getClass().getName().equals(WORKER)) {
          return null;
        }
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
