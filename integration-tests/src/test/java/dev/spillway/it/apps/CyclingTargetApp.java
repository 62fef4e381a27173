package dev.spillway.it.apps;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JVM started without Spillway that keeps an executor busy with small tasks while the agent is
 * attached and detached again and again. {@code stats} collects garbage and prints what the JVM
 * holds: {@code STATS classes=<loaded> metaspace=<bytes> heap=<bytes> done=<tasks>}.
 */
public final class CyclingTargetApp {

  public static void main(String[] args) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2, Scenario.named("cycling"));
    AtomicLong done = new AtomicLong();
    Thread load = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          pool.submit(done::incrementAndGet).get();
        } catch (Exception e) {
          return;
        }
      }
    }, "load");
    load.setDaemon(true);
    load.start();
    Scenario.say("READY");
    while (true) {
      String command = Scenario.next();
      if (command.equals("stats")) {
        for (int i = 0; i < 3; i++) {
          System.gc();
        }
        long metaspace = 0;
        for (MemoryPoolMXBean pool2 : ManagementFactory.getMemoryPoolMXBeans()) {
          if (pool2.getName().equals("Metaspace")) {
            metaspace = pool2.getUsage().getUsed();
          }
        }
        Scenario.say("STATS classes=" + ManagementFactory.getClassLoadingMXBean().getLoadedClassCount()
            + " metaspace=" + metaspace
            + " heap=" + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed()
            + " done=" + done.get());
      } else if (command.equals("exit")) {
        System.exit(0);
      }
    }
  }
}
