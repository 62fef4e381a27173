package dev.spillway.agent.install;

import dev.spillway.agent.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.function.Supplier;

/**
 * Byte Buddy's weaver and the instrumentations it weaves (their advice), made when first needed:
 * under {@code -javaagent} the JDK's classes have their own weaver ({@link JdkWeaver}), and a
 * program that never loads a library Spillway rewrites (a pool, Tomcat's or Jetty's executor, a
 * virtual thread) never loads Byte Buddy's advice machinery either: about a thousand classes, and
 * measured on a small program some 20 MiB of peak memory and a quarter of the agent's start-up
 * CPU. The agent asks for it at start, on its own thread, when it needs it at once (attach,
 * background start, a library on the class path); otherwise the first class it rewrites does.
 *
 * <p>Only the gate calls it, and only for the classes it rewrites, so the first call is such a
 * class. That call builds on the thread that loads the class, which waits for it just as it would
 * wait at the gate for a weaver built beforehand. Building loads only the agent's and the JDK's
 * classes: the advice names no library type, and of the JDK only types loaded long before
 * ({@code Object}, {@code Thread}, {@code Throwable}; see {@link TypeInstrumentation}), never the
 * class being defined. A class that the same thread loads while it builds (none is expected) goes
 * on unchanged rather than recursing.
 */
public final class LazyWeaver implements ClassFileTransformer {

  private final Supplier<List<TypeInstrumentation>> source;
  private volatile List<TypeInstrumentation> instrumentations;
  private volatile ClassFileTransformer weaver;
  /** The thread making the instrumentations or the weaver; guarded by this. */
  private Thread building;

  /** @param source makes the instrumentations, once, when they are first needed */
  public LazyWeaver(Supplier<List<TypeInstrumentation>> source) {
    this.source = source;
  }

  /** Whether Byte Buddy's weaver was built. */
  public boolean built() {
    return weaver != null;
  }

  /** The instrumentations, made now if they were not yet; null on the thread that is making them. */
  public List<TypeInstrumentation> instrumentations() {
    List<TypeInstrumentation> current = instrumentations;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (instrumentations == null) {
        if (building == Thread.currentThread()) {
          return null;
        }
        building = Thread.currentThread();
        try {
          instrumentations = List.copyOf(source.get());
        } finally {
          building = null;
        }
      }
      return instrumentations;
    }
  }

  /** The weaver, built now if it was not yet; null on the thread that is building it. */
  public ClassFileTransformer weaver() {
    ClassFileTransformer current = weaver;
    if (current != null) {
      return current;
    }
    synchronized (this) {
      if (weaver == null) {
        long started = System.nanoTime();
        List<TypeInstrumentation> all = instrumentations();
        if (all == null || building == Thread.currentThread()) {
          return null;
        }
        building = Thread.currentThread();
        try {
          weaver = AgentInstaller.weaver(all);
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
