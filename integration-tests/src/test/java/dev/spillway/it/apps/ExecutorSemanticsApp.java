package dev.spillway.it.apps;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Executor behaviour an agent must not change, checked from inside the application: ordering,
 * identity of tasks seen by queues, handlers and hooks, exceptions, interrupts, scheduling. Each
 * check prints {@code CHECK <name> <observed>}; the test compares the lines with and without the
 * agent, and each must also say what the JDK promises.
 */
public final class ExecutorSemanticsApp {

  public static void main(String[] args) throws Exception {
    Scenario.await("go");
    priorityQueueOrdersComparableTasksUnwrapped();
    removeAndShutdownNowSeeSubmittedObjects();
    handlerAndHooksSeeSubmittedObjects();
    exceptionsReachTheirUsualPlaces();
    shutdownNowInterruptsRunningTasks();
    callerRunsAndDiscardOldestBehave();
    scheduledAndPeriodicTasksRun();
    // A pool that outlives the checks, so that the test can see the agent at work in this JVM
    // (the checked pools terminate at once, and terminated pools leave the metrics).
    ThreadPoolExecutor witness = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new SynchronousQueue<>(), Scenario.named("witness"), new ThreadPoolExecutor.DiscardPolicy());
    CountDownLatch hold = new CountDownLatch(1);
    witness.execute(() -> await(hold));
    witness.execute(() -> { });
    Scenario.say("CHECKS DONE");
    Scenario.await("exit");
    hold.countDown();
    witness.shutdown();
  }

  /** A task with a priority, comparable as PriorityBlockingQueue requires. */
  static final class Job implements Runnable, Comparable<Job> {
    final int priority;
    final List<Integer> log;

    Job(int priority, List<Integer> log) {
      this.priority = priority;
      this.log = log;
    }

    @Override
    public void run() {
      log.add(priority);
    }

    @Override
    public int compareTo(Job other) {
      return Integer.compare(priority, other.priority);
    }
  }

  static void priorityQueueOrdersComparableTasksUnwrapped() throws Exception {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new PriorityBlockingQueue<>(), Scenario.named("priority"));
    CountDownLatch release = new CountDownLatch(1);
    pool.execute(() -> await(release));
    List<Integer> log = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int p : new int[] {3, 1, 2, 5, 4}) {
      pool.execute(new Job(p, log));
    }
    release.countDown();
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    Scenario.say("CHECK priority-order " + log);
  }

  static void removeAndShutdownNowSeeSubmittedObjects() throws Exception {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), Scenario.named("removal"));
    CountDownLatch release = new CountDownLatch(1);
    pool.execute(() -> await(release));
    Runnable a = () -> { };
    Runnable b = () -> { };
    Runnable c = () -> { };
    pool.execute(a);
    pool.execute(b);
    pool.execute(c);
    boolean contained = pool.getQueue().contains(b);
    boolean removed = pool.remove(b);
    List<Runnable> drained = pool.shutdownNow();
    release.countDown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    Scenario.say("CHECK remove contains=" + contained + " removed=" + removed
        + " drained-identity=" + (drained.size() == 2 && drained.get(0) == a && drained.get(1) == c));
  }

  static void handlerAndHooksSeeSubmittedObjects() throws Exception {
    AtomicReference<Runnable> rejectedTask = new AtomicReference<>();
    AtomicReference<ThreadPoolExecutor> rejectedBy = new AtomicReference<>();
    RejectedExecutionHandler handler = (task, executor) -> {
      rejectedTask.set(task);
      rejectedBy.set(executor);
    };
    List<Runnable> before = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Runnable> after = java.util.Collections.synchronizedList(new ArrayList<>());
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(1), Scenario.named("hooks"), handler) {
      @Override
      protected void beforeExecute(Thread t, Runnable r) {
        before.add(r);
      }

      @Override
      protected void afterExecute(Runnable r, Throwable t) {
        after.add(r);
      }
    };
    CountDownLatch release = new CountDownLatch(1);
    Runnable first = () -> await(release);
    Runnable second = () -> { };
    Runnable third = () -> { };
    pool.execute(first);
    pool.execute(second);
    pool.execute(third); // queue full: to the handler
    release.countDown();
    pool.shutdown();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    Scenario.say("CHECK handler-identity " + (rejectedTask.get() == third && rejectedBy.get() == pool)
        + " hooks-identity " + (before.size() == 2 && before.get(0) == first && before.get(1) == second
            && after.equals(before)));
  }

  static void exceptionsReachTheirUsualPlaces() throws Exception {
    AtomicReference<Throwable> uncaught = new AtomicReference<>();
    CountDownLatch seen = new CountDownLatch(1);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), task -> {
          Thread thread = new Thread(task, "throwing");
          thread.setUncaughtExceptionHandler((t, e) -> {
            uncaught.set(e);
            seen.countDown();
          });
          return thread;
        });
    IllegalStateException boom = new IllegalStateException("boom");
    pool.execute(() -> {
      throw boom;
    });
    seen.await(10, TimeUnit.SECONDS);
    Future<Integer> failed = pool.submit((Callable<Integer>) () -> {
      throw new java.io.IOException("io");
    });
    String submitted;
    try {
      failed.get();
      submitted = "no exception";
    } catch (ExecutionException e) {
      submitted = e.getCause().getClass().getSimpleName() + ":" + e.getCause().getMessage();
    }
    // The pool replaced the thread that died and still works.
    Integer still = pool.submit(() -> 42).get(10, TimeUnit.SECONDS);
    pool.shutdown();
    Scenario.say("CHECK exceptions uncaught-identity=" + (uncaught.get() == boom) + " submit=" + submitted
        + " after=" + still);
  }

  static void shutdownNowInterruptsRunningTasks() throws Exception {
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), Scenario.named("interrupted"));
    CountDownLatch started = new CountDownLatch(1);
    AtomicReference<String> outcome = new AtomicReference<>("not run");
    CountDownLatch finished = new CountDownLatch(1);
    pool.execute(() -> {
      started.countDown();
      try {
        Thread.sleep(60_000);
        outcome.set("slept");
      } catch (InterruptedException e) {
        outcome.set("interrupted");
      }
      finished.countDown();
    });
    started.await();
    pool.shutdownNow();
    finished.await(10, TimeUnit.SECONDS);
    boolean terminated = pool.awaitTermination(10, TimeUnit.SECONDS);
    String late;
    try {
      pool.execute(() -> { });
      late = "accepted";
    } catch (RejectedExecutionException e) {
      late = "rejected";
    }
    Scenario.say("CHECK shutdown-now " + outcome.get() + " terminated=" + terminated + " late=" + late);
  }

  static void callerRunsAndDiscardOldestBehave() throws Exception {
    ThreadPoolExecutor callerRuns = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new SynchronousQueue<>(), Scenario.named("caller-runs"), new ThreadPoolExecutor.CallerRunsPolicy());
    CountDownLatch release = new CountDownLatch(1);
    callerRuns.execute(() -> await(release));
    AtomicReference<String> ranOn = new AtomicReference<>();
    callerRuns.execute(() -> ranOn.set(Thread.currentThread().getName()));
    release.countDown();
    callerRuns.shutdown();

    ThreadPoolExecutor discardOldest = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(2), Scenario.named("discard-oldest"), new ThreadPoolExecutor.DiscardOldestPolicy());
    CountDownLatch hold = new CountDownLatch(1);
    List<Integer> ran = java.util.Collections.synchronizedList(new ArrayList<>());
    discardOldest.execute(() -> await(hold));
    for (int i = 1; i <= 4; i++) {
      int n = i;
      discardOldest.execute(() -> ran.add(n));
    }
    hold.countDown();
    discardOldest.shutdown();
    discardOldest.awaitTermination(10, TimeUnit.SECONDS);
    Scenario.say("CHECK policies caller-runs-on=" + ranOn.get() + " discard-oldest-ran=" + ran);
  }

  static void scheduledAndPeriodicTasksRun() throws Exception {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1, Scenario.named("scheduler"));
    AtomicInteger ticks = new AtomicInteger();
    CountDownLatch fiveTicks = new CountDownLatch(5);
    ScheduledFuture<?> periodic = scheduler.scheduleAtFixedRate(() -> {
      ticks.incrementAndGet();
      fiveTicks.countDown();
    }, 0, 20, TimeUnit.MILLISECONDS);
    long start = System.nanoTime();
    ScheduledFuture<String> delayed = scheduler.schedule(() -> "later", 100, TimeUnit.MILLISECONDS);
    String value = delayed.get(10, TimeUnit.SECONDS);
    boolean waitedForDelay = System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(100);
    boolean periodicKeptRunning = fiveTicks.await(10, TimeUnit.SECONDS);
    periodic.cancel(false);
    scheduler.shutdown();
    boolean terminated = scheduler.awaitTermination(10, TimeUnit.SECONDS);
    Scenario.say("CHECK scheduled value=" + value + " delay-respected=" + waitedForDelay
        + " periodic=" + periodicKeptRunning + " terminated=" + terminated);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
