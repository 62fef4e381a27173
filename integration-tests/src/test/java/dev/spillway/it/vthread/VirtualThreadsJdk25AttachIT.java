package dev.spillway.it.vthread;

import dev.spillway.it.support.Prerequisites;
import java.nio.file.Path;

/** Virtual threads on JDK 25, the agent attached while two of them wait. */
class VirtualThreadsJdk25AttachIT extends AbstractVirtualThreadsIT {

  @Override
  Path javaHome() {
    return Prerequisites.jdk25();
  }

  @Override
  boolean attach() {
    return true;
  }
}
