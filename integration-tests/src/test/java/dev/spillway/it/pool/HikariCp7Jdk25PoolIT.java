package dev.spillway.it.pool;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spillway.it.support.AgentJvm;
import java.nio.file.Files;
import java.nio.file.Path;

/** The pool contract on JDK 25, with HikariCP 7. */
class HikariCp7Jdk25PoolIT extends HikariCp7PoolIT {

  @Override
  Path javaHome() {
    Path home = AgentJvm.jdk25();
    assumeTrue(Files.isExecutable(home.resolve("bin/java")), "JDK 25 not installed at " + home);
    return home;
  }
}
