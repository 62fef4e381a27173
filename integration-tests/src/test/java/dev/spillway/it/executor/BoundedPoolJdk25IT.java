package dev.spillway.it.executor;

import dev.spillway.it.support.Prerequisites;
import java.nio.file.Path;

/** The foundation scenario on JDK 25. */
class BoundedPoolJdk25IT extends BoundedPoolIT {

  @Override
  Path javaHome() {
    return Prerequisites.jdk25();
  }
}
