package dev.spillway.it.executor;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spillway.it.support.AgentJvm;
import java.nio.file.Files;
import java.nio.file.Path;

/** The foundation scenario on JDK 25. */
class BoundedPoolJdk25IT extends BoundedPoolIT {

  @Override
  Path javaHome() {
    Path home = AgentJvm.jdk25();
    assumeTrue(Files.isExecutable(home.resolve("bin/java")), "JDK 25 not installed at " + home);
    return home;
  }
}
