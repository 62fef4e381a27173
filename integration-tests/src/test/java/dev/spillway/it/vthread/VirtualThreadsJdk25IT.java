package dev.spillway.it.vthread;

import dev.spillway.it.support.Prerequisites;
import java.nio.file.Path;

/** Virtual threads on JDK 25 under {@code -javaagent}. */
class VirtualThreadsJdk25IT extends AbstractVirtualThreadsIT {

  @Override
  Path javaHome() {
    return Prerequisites.jdk25();
  }

  @Override
  boolean attach() {
    return false;
  }
}
