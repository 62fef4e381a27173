package dev.spillway.it.apps;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JVM started without Spillway that keeps an executor busy with small tasks while the agent is
 * attached and detached again and again. {@code stats} collects garbage and prints what the JVM
 * holds: {@code STATS classes=<loaded> metaspace=<bytes> heap=<bytes> done=<tasks>}. {@code renew}
 * ends the executor and its load thread and starts new ones: no thread that ran while an agent
 * was attached is left.
 */
public final class CyclingTargetApp {

  private static final AtomicLong DONE = new AtomicLong();

  public static void main(String[] args) throws Exception {
    Work work = new Work();
    Scenario.say("READY");
    while (true) {
      String command = Scenario.next();
      if (command.equals("stats")) {
        for (int i = 0; i < 3; i++) {
          System.gc();
        }
        long metaspace = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
          if (pool.getName().equals("Metaspace")) {
            metaspace = pool.getUsage().getUsed();
          }
        }
        Scenario.say("STATS classes=" + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()
            + " metaspace=" + metaspace
            + " heap=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
            + " done=" + DONE.get());
      } else if (command.equals("renew")) {
        work.stop();
        work = new Work();
        Scenario.say("RENEWED");
      } else if (command.equals("exit")) {
        System.exit(0);
      }
    }
  }

  /** A pool of two workers and a thread that submits to it, one task at a time. */
  private static final class Work {
    final ExecutorService pool = Executors.newFixedThreadPool(2, Scenario.named("cycling"));
    final Thread load = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          pool.submit(DONE::incrementAndGet).get();
        } catch (Exception e) {
          return;
        }
      }
    }, "load");

    Work() {
      load.setDaemon(true);
      load.start();
    }

    void stop() throws InterruptedException {
      load.interrupt();
      load.join();
      pool.shutdownNow();
      pool.awaitTermination(10, TimeUnit.SECONDS);
    }
  }
}
