package dev.spillway.it.server;

/** Tomcat 10.1 (Spring Boot 3.5's server), on the JDK running the tests. */
class Tomcat10ExecutorIT extends AbstractTomcatExecutorIT {

  @Override
  String libraryFolder() {
    return "tomcat-embed10";
  }
}
