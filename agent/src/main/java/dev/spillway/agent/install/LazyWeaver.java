package dev.spillway.agent.install;

import dev.spillway.agent.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.List;

/**
 * Byte Buddy's weaver, built when the first class it rewrites comes: under {@code -javaagent} the
 * JDK's classes have their own weaver ({@link JdkWeaver}), and a program that never loads a library
 * Spillway rewrites (a pool, Tomcat's or Jetty's executor, a virtual thread) never loads Byte Buddy
 * either: about a thousand classes and some 20 MiB of memory spared.
 *
 * <p>Only the gate calls it, and only for the classes it rewrites, so the first call is such a
 * class. That call builds the weaver on the thread that loads the class, which waits for it just as
 * it would wait at the gate for a weaver built beforehand. A class loaded while the same thread
 * builds it (none is expected: building loads only the agent's and the JDK's own classes) goes on
 * unchanged rather than recursing.
 */
public final class LazyWeaver implements ClassFileTransformer {

  private final List<TypeInstrumentation> instrumentations;
  private volatile ClassFileTransformer weaver;
  private Thread building;

  public LazyWeaver(List<TypeInstrumentation> instrumentations) {
    this.instrumentations = List.copyOf(instrumentations);
  }

  /** Whether Byte Buddy was built: a class it rewrites was seen, or {@link #weaver()} was asked. */
  public boolean built() {
    return weaver != null;
  }

  /** The weaver, built now if it was not yet; null on the thread that is building it. */
  public ClassFileTransformer weaver() {
    ClassFileTransformer current = weaver;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (weaver == null) {
        if (building == Thread.currentThread()) {
          return null;
        }
        building = Thread.currentThread();
        long started = System.nanoTime();
        try {
          weaver = AgentInstaller.weaver(instrumentations);
        } finally {
          building = null;
        }
        AgentLog.debug("Byte Buddy's weaver built in " + (System.nanoTime() - started) / 1_000_000 + " ms");
      }
      return weaver;
    }
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
      ProtectionDomain domain, byte[] classfileBuffer) throws IllegalClassFormatException {
    ClassFileTransformer current = weaver();
    return current == null ? null
        : current.transform(module, loader, className, classBeingRedefined, domain, classfileBuffer);
  }
}
