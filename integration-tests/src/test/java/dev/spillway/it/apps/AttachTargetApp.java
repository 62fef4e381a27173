package dev.spillway.it.apps;

import java.io.File;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * A JVM that runs without Spillway and gets it attached later. Its executor and queue exist
 * before the attach: two workers held, three tasks queued. Commands:
 * <ul>
 *   <li>{@code reject <n>}: submits n tasks to the full executor; prints how many were rejected
 *   <li>{@code use-queue <n>}: n inserts and removals on the queue built at start
 *   <li>{@code spawn <n>}: builds n more executors, {@code tenant<i>}, each with an idle worker
 *   <li>{@code pools <n>}: builds n more commons-pool2 pools (commons-pool2 must be on the class
 *   path), and borrows and returns one object of each
 *   <li>{@code hold}: borrows one object from the first pool and keeps it
 *   <li>{@code ping}: answers PONG, to show the application still works
 * </ul>
 * With the argument {@code --load-classes} it first loads every class of its class path, so that
 * the attach has thousands of classes to go through; with {@code --pool-first} after it, it also
 * builds and uses its first pool before the attach.
 */
public final class AttachTargetApp {

  public static void main(String[] args) throws Exception {
    int loaded = 0;
    if (args.length > 0 && args[0].equals("--load-classes")) {
      loaded = loadEveryClass();
    }
    CountDownLatch release = new CountDownLatch(1);
    ThreadPoolExecutor orders = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(3),
        Scenario.named("orders"));
    for (int i = 0; i < 5; i++) {
      orders.execute(() -> {
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      });
    }
    BlockingQueue<Integer> early = new ArrayBlockingQueue<>(100);
    List<ThreadPoolExecutor> tenants = new ArrayList<>();
    AttachTargetPools pools = null;
    if (args.length > 1 && args[1].equals("--pool-first")) {
      // A pool built and used before the attach.
      pools = new AttachTargetPools();
      pools.build(1);
    }
    Scenario.say("READY loaded=" + loaded);
    while (true) {
      String[] command = Scenario.next().split(" ");
      switch (command[0]) {
        case "reject": {
          int rejected = 0;
          for (int i = 0; i < Integer.parseInt(command[1]); i++) {
            try {
              orders.execute(() -> { });
            } catch (RejectedExecutionException e) {
              rejected++;
            }
          }
          Scenario.say("REJECTED " + rejected);
          break;
        }
        case "use-queue": {
          long sum = 0;
          for (int i = 0; i < Integer.parseInt(command[1]); i++) {
            early.offer(i);
            early.offer(i);
            sum += early.poll();
          }
          Scenario.say("USED size=" + early.size() + " sum=" + sum);
          break;
        }
        case "spawn": {
          for (int i = 0; i < Integer.parseInt(command[1]); i++) {
            ThreadPoolExecutor tenant = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(10),
                Scenario.named("tenant" + i));
            tenant.prestartAllCoreThreads();
            tenants.add(tenant);
          }
          Scenario.say("SPAWNED " + tenants.size());
          break;
        }
        case "pools":
          if (pools == null) {
            pools = new AttachTargetPools();
          }
          Scenario.say("POOLS " + pools.build(Integer.parseInt(command[1])));
          break;
        case "hold":
          Scenario.say(pools == null ? "HOLDING none" : "HOLDING " + pools.holdFromFirst());
          break;
        case "ping":
          Scenario.say("PONG " + orders.getQueue().size());
          break;
        case "exit":
          release.countDown();
          orders.shutdown();
          System.exit(0);
          break;
        default:
          Scenario.say("UNKNOWN " + command[0]);
      }
    }
  }

  /** Loads every class of the jars on the class path (as big applications have), without running them. */
  private static int loadEveryClass() {
    int loaded = 0;
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.endsWith(".jar")) {
        continue;
      }
      try (JarFile jar = new JarFile(entry)) {
        Enumeration<JarEntry> entries = jar.entries();
        while (entries.hasMoreElements()) {
          String name = entries.nextElement().getName();
          if (name.endsWith(".class") && !name.contains("-") && !name.startsWith("META-INF")) {
            try {
              Class.forName(name.substring(0, name.length() - 6).replace('/', '.'), false,
                  AttachTargetApp.class.getClassLoader());
              loaded++;
            } catch (Throwable ignored) {
              // optional dependencies missing: skip
            }
          }
        }
      } catch (Exception ignored) {
        // not a readable jar
      }
    }
    return loaded;
  }
}
