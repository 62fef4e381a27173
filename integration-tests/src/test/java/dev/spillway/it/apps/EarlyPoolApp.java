package dev.spillway.it.apps;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** Builds and uses an executor first thing in main, as many applications do; prints {@code RAN 42}. */
public final class EarlyPoolApp {

  public static void main(String[] args) throws Exception {
    ThreadPoolExecutor early = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new SynchronousQueue<>(),
        Scenario.named("early"));
    Scenario.say("RAN " + early.submit(() -> 6 * 7).get());
    Scenario.await("exit");
    early.shutdown();
  }
}
