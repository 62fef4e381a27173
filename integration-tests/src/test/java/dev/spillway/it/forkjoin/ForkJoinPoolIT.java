package dev.spillway.it.forkjoin;

import java.nio.file.Path;

/** ForkJoinPools under -javaagent, on the JDK running the tests (17: no virtual threads). */
class ForkJoinPoolIT extends AbstractForkJoinIT {

  @Override
  Path javaHome() {
    return null;
  }

  @Override
  boolean attach() {
    return false;
  }
}
