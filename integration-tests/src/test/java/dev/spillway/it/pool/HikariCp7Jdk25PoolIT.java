package dev.spillway.it.pool;

import dev.spillway.it.support.Prerequisites;
import java.nio.file.Path;

/** The pool contract on JDK 25, with HikariCP 7. */
class HikariCp7Jdk25PoolIT extends HikariCp7PoolIT {

  @Override
  Path javaHome() {
    return Prerequisites.jdk25();
  }
}
