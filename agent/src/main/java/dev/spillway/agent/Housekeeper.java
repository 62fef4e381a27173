package dev.spillway.agent;

import dev.spillway.bootstrap.AgentThreads;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One agent thread that runs periodic upkeep (sampling rates, stale entries) once a second. A
 * plain thread rather than an executor: the agent's upkeep should not depend on what it measures.
 */
final class Housekeeper implements Runnable {

  private static final long PERIOD_MILLIS = 1000;

  private final String name;
  private final List<Runnable> tasks = new CopyOnWriteArrayList<>();
  private volatile boolean running = true;
  private Thread thread;

  Housekeeper(String name) {
    this.name = name;
  }

  void add(Runnable task) {
    tasks.add(task);
  }

  synchronized void start() {
    thread = AgentThreads.newThread(this, name);
    thread.start();
  }

  synchronized void stop() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }

  @Override
  public void run() {
    while (running) {
      try {
        Thread.sleep(PERIOD_MILLIS);
      } catch (InterruptedException e) {
        if (!running) {
          return;
        }
      }
      for (Runnable task : tasks) {
        try {
          task.run();
        } catch (Throwable t) {
          AgentLog.debug("housekeeping failed", t);
        }
      }
    }
  }
}
