package dev.spillway.it.apps;

/**
 * Loads a class named like HikariCP's pool that has none of the methods Spillway's advice expects
 * (compiled by the test, on this application's class path only), and uses it.
 */
public final class LookalikePoolApp {

  public static void main(String[] args) throws Exception {
    Scenario.await("go");
    Class<?> pool = Class.forName("com.zaxxer.hikari.pool.HikariPool");
    Object instance = pool.getDeclaredConstructor().newInstance();
    Object connection = pool.getMethod("getConnection").invoke(instance);
    Scenario.say("USED " + connection);
    Scenario.await("exit");
  }
}
