package dev.spillway.it.server;

import dev.spillway.it.support.Prerequisites;
import java.nio.file.Path;

/** Tomcat 11.0, on JDK 25. */
class Tomcat11Jdk25ExecutorIT extends AbstractTomcatExecutorIT {

  @Override
  String libraryFolder() {
    return "tomcat-embed11";
  }

  @Override
  Path javaHome() {
    return Prerequisites.jdk25();
  }
}
