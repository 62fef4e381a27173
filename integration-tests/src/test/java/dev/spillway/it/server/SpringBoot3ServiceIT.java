package dev.spillway.it.server;

import java.nio.file.Path;

/** Spring Boot 3.5.7: Tomcat 10.1, HikariCP 6.3. */
class SpringBoot3ServiceIT extends AbstractSpringBootServiceIT {

  @Override
  Path serviceJar() {
    return ServiceRig.boot3Jar();
  }
}
