package dev.spillway.examples.boot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A stock Spring Boot service, built and started as Spring Boot's users do
 * ({@code java -jar spillway-example-spring-boot.jar}): Tomcat serves its requests, HikariCP
 * lends the connections to its database (an embedded H2), and one endpoint calls a downstream
 * service over HTTP, the dependency that turns slow on the day a queue fills.
 */
@SpringBootApplication
public class OrdersApplication {

  public static void main(String[] args) {
    SpringApplication.run(OrdersApplication.class, args);
  }
}
