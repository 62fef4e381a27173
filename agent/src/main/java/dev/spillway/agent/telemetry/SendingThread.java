package dev.spillway.agent.telemetry;

import dev.spillway.bootstrap.AgentThreads;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an exporter's sends, in order, on one agent thread started on demand that ends after a
 * minute without work: what a one-thread {@code ThreadPoolExecutor} whose core thread times out
 * does, without being one.
 *
 * <p>Why not the JDK's pool: its worker loop is shared with the application's pools, and so are
 * its profiles. A worker whose thread times out takes its tasks on a path of {@code getTask} that
 * often only the agent's pool takes, and the cast there recorded only the agent's task class. The
 * JIT compiles the application's workers from those profiles; code compiled that way names the
 * agent's class loader, and stays on the stack of every worker waiting for work. So a detached
 * agent could not be unloaded for as long as such a worker waited (seen on JDK 25; see README,
 * Limits). Here the tasks pass through this class's own code only.
 */
final class SendingThread implements Executor {

  private final String name;
  private final long idleNanos;
  private final LinkedBlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
  /** True while a thread runs {@link #drain}, or is being started to. */
  private final AtomicBoolean running = new AtomicBoolean();
  private volatile boolean shutdown;

  SendingThread(String name, long idle, TimeUnit unit) {
    this.name = name;
    this.idleNanos = unit.toNanos(idle);
  }

  /** Queues the task; refused once {@link #shutdown} was called, or when no thread can start. */
  @Override
  public void execute(Runnable task) {
    if (shutdown) {
      throw new RejectedExecutionException("the exporter's sender is shut down");
    }
    work.add(task);
    try {
      startIfIdle();
    } catch (RuntimeException | Error cannotStart) {
      if (work.remove(task)) {
        throw new RejectedExecutionException("cannot start the sending thread: " + cannotStart, cannotStart);
      }
      // Another thread took it: it runs.
    }
  }

  /** Sends already queued still run; then the thread ends, and later ones are refused. */
  void shutdown() {
    shutdown = true;
    // Wakes a thread waiting for work, so that it sees the shutdown and ends once the queue is
    // empty. With none running there is nothing to wake (a queued no-op is harmless).
    if (running.get()) {
      work.add(() -> { });
    }
  }

  boolean isRunning() {
    return running.get();
  }

  private void startIfIdle() {
    if (running.compareAndSet(false, true)) {
      try {
        AgentThreads.newThread(this::drain, name).start();
      } catch (RuntimeException | Error e) {
        running.set(false);
        throw e;
      }
    }
  }

  private void drain() {
    try {
      while (true) {
        Runnable task = shutdown ? work.poll() : work.poll(idleNanos, TimeUnit.NANOSECONDS);
        if (task == null) {
          return;
        }
        try {
          task.run();
        } catch (RuntimeException | Error e) {
          // A send reports its own failures; anything else must not end the thread with work queued.
        }
        // As the JDK's pool does: a task's interrupt does not reach the next one.
        Thread.interrupted();
      }
    } catch (InterruptedException e) {
      // Nothing else interrupts this thread: leave, and let the check below start another if needed.
    } finally {
      running.set(false);
      // A task queued while this thread was leaving would otherwise wait for the next one.
      if (!work.isEmpty()) {
        try {
          startIfIdle();
        } catch (RuntimeException | Error cannotStart) {
          // The next execute starts one.
        }
      }
    }
  }
}
