package dev.spillway.it.server;

import java.nio.file.Path;

/** Spring Boot 4.0.7: Tomcat 11, HikariCP 7. */
class SpringBoot4ServiceIT extends AbstractSpringBootServiceIT {

  @Override
  Path serviceJar() {
    return SpringBootRig.boot4Jar();
  }
}
