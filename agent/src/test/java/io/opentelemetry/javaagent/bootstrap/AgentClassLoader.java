package io.opentelemetry.javaagent.bootstrap;

import java.io.IOException;
import java.io.InputStream;

/**
 * Stands for the OpenTelemetry Java agent's class loader (same class name): defines the classes
 * it is asked for from the test's class files, as the agent defines its SDK and exporters.
 */
public final class AgentClassLoader extends ClassLoader {

  public AgentClassLoader(ClassLoader parent) {
    super(parent);
  }

  /** Defines {@code name} here, from the parent's class file, whoever else has it. */
  public Class<?> defineHere(String name) throws IOException {
    try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
      byte[] bytes = in.readAllBytes();
      return defineClass(name, bytes, 0, bytes.length);
    }
  }
}
