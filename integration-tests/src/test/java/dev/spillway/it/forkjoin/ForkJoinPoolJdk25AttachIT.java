package dev.spillway.it.forkjoin;

import dev.spillway.it.support.Prerequisites;
import java.nio.file.Path;

/** ForkJoinPools on JDK 25, the agent attached while a pool's workers run; virtual threads too. */
class ForkJoinPoolJdk25AttachIT extends AbstractForkJoinIT {

  @Override
  Path javaHome() {
    return Prerequisites.jdk25();
  }

  @Override
  boolean attach() {
    return true;
  }
}
