package dev.spillway.it.apps;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Field;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Reads the fields the agent's load-time weaver adds (run with {@code --add-opens
 * java.base/java.util.concurrent=ALL-UNNAMED}): whether an executor's work queue is marked as
 * having nothing to observe, an application's own queue not, and an executor holds its tracker.
 * Prints {@code CHECK <name> <value>}; a missing field prints {@code absent}.
 */
public final class WovenFieldsApp {

  public static void main(String[] args) throws Exception {
    Scenario.await("go");
    LinkedBlockingQueue<Runnable> work = newWorkQueue();
    // Built apart from its executor across an export (every 200 ms in the test): it must not show
    // as a queue of its own meanwhile.
    Thread.sleep(300);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, work,
        runnable -> new Thread(runnable, "fields-worker"));
    SynchronousQueue<Runnable> handoff = newHandoff();
    ThreadPoolExecutor refusing = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, handoff,
        runnable -> new Thread(runnable, "fields-refusing"), new ThreadPoolExecutor.DiscardPolicy());
    CountDownLatch ran = new CountDownLatch(3);
    CountDownLatch release = new CountDownLatch(1);
    for (int i = 0; i < 3; i++) {
      pool.execute(ran::countDown);
    }
    refusing.execute(() -> await(release));
    for (int i = 0; i < 5; i++) {
      refusing.execute(() -> { }); // discarded: the hand-off queue refuses, the pool is full
    }
    ran.await();
    ArrayBlockingQueue<String> own = new ArrayBlockingQueue<>(2);
    own.offer("a");
    own.offer("b");
    own.offer("c");
    say("work-queue-unobserved", read(work, LinkedBlockingQueue.class, "spillway$unobserved"));
    say("handoff-unobserved", read(handoff, SynchronousQueue.class, "spillway$unobserved"));
    say("own-queue-unobserved", read(own, ArrayBlockingQueue.class, "spillway$unobserved"));
    Object state = read(pool, ThreadPoolExecutor.class, "spillway$state");
    say("executor-state", state == null ? "null" : state.getClass().getSimpleName());
    say("own-queue-copy", copy(own));
    say("tasks-completed", pool.getCompletedTaskCount());
    Scenario.say("CHECKS DONE");
    Scenario.await("shutdown");
    release.countDown();
    pool.shutdown();
    refusing.shutdown();
    pool.awaitTermination(5, TimeUnit.SECONDS);
    refusing.awaitTermination(5, TimeUnit.SECONDS);
    Scenario.say("TERMINATED");
    Scenario.await("read");
    Object after = read(pool, ThreadPoolExecutor.class, "spillway$state");
    say("executor-state-after", after == null ? "null" : after.getClass().getSimpleName());
    Scenario.await("exit");
  }

  /** Built here, so named after this method if it were ever reported as a queue of its own. */
  private static LinkedBlockingQueue<Runnable> newWorkQueue() {
    return new LinkedBlockingQueue<>();
  }

  private static SynchronousQueue<Runnable> newHandoff() {
    return new SynchronousQueue<>();
  }

  private static Object read(Object target, Class<?> owner, String name) throws IllegalAccessException {
    try {
      Field field = owner.getDeclaredField(name);
      field.setAccessible(true);
      return field.get(target);
    } catch (NoSuchFieldException e) {
      return "absent";
    }
  }

  /** The queue through Java serialization and back: the added field is transient. */
  private static String copy(ArrayBlockingQueue<String> queue) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(queue);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return in.readObject().toString();
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void say(String name, Object value) {
    Scenario.say("CHECK " + name + " " + value);
  }
}
