package dev.spillway.agent.launch;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The first transformer, registered before anything else of the agent loads: it holds the
 * definition of every class Spillway rewrites until the weaver is ready, then hands it over.
 *
 * <p>So the rewritten bytecode is in place before any code of those classes runs, without making
 * {@code premain} wait for Byte Buddy (about a second on a cold JVM): the application's {@code main} starts
 * at once and waits, at most {@link #MAX_HOLD_MILLIS}, only if it loads a rewritten class (a
 * {@code ThreadPoolExecutor}, a blocking queue, a pool) before the agent is ready. No executor,
 * queue or pool is then built unseen, and no worker thread starts in the JDK's unrewritten worker
 * loop (which the JVM stops compiling once the class is rewritten under it).
 *
 * <p>Two weavers may open it: under {@code -javaagent} the JDK's classes go on as soon as the
 * agent's own ASM weaver is there ({@link #openEarly}, within milliseconds of the hooks), the
 * libraries' classes when Byte Buddy is ({@link #open}).
 *
 * <p>It names JDK types only: it is loaded from the bootstrap class path, like the launcher, and
 * runs for every class the JVM loads, so a class it does not rewrite costs one set lookup.
 */
public final class WeavingGate implements ClassFileTransformer {

  /** How long a class load waits for the weaver at most; past it the class loads as it is, retransformed later. */
  static final long MAX_HOLD_MILLIS = 30_000;

  private final Set<String> internalNames;
  /** {@link WovenTypes#NOT_HELD}, internal names. */
  private final Set<String> notHeld = internal(WovenTypes.NOT_HELD);
  private final long holdMillis;
  private final CountDownLatch ready = new CountDownLatch(1);
  private volatile ClassFileTransformer weaver;
  /** Opened with the weaver for the JDK's classes, which comes before the full weaver: see {@link #openEarly}. */
  private final CountDownLatch earlyReady = new CountDownLatch(1);
  private volatile ClassFileTransformer early;
  /** Internal names of the classes {@link #early} rewrites. */
  private volatile Set<String> earlyNames = Set.of();
  /** JDK classes woven ahead, by internal name: {original, rewritten} bytecode. */
  private final Map<String, byte[][]> prewoven = new ConcurrentHashMap<>();
  /** Internal names of the rewritten classes whose definition came through here. */
  private final Set<String> defined = ConcurrentHashMap.newKeySet();
  /** The thread that builds the weaver: a class it loads itself cannot wait for it. */
  private volatile Thread builder;
  private volatile boolean closed;
  /** Binary names of rewritten classes defined without the rewriting: loaded before the gate, or let through. */
  private final Set<String> unwoven = ConcurrentHashMap.newKeySet();

  /**
   * @param typeNames binary names ({@code java.util.concurrent.ThreadPoolExecutor}) of the rewritten classes
   * @param holdMillis how long a class load waits for the weaver; 0: not at all
   */
  WeavingGate(Set<String> typeNames, long holdMillis) {
    this.holdMillis = holdMillis;
    this.internalNames = internal(typeNames);
  }

  /** The internal names ({@code java/util/AbstractQueue}) of these binary names. */
  private static Set<String> internal(Set<String> binaryNames) {
    List<String> names = new ArrayList<>(binaryNames.size());
    for (String name : binaryNames) {
      names.add(name.replace('.', '/'));
    }
    return Set.copyOf(names);
  }

  /**
   * Registers the gate first, before any class it rewrites can load unseen; those already loaded
   * are noted, for {@link #unwoven}.
   */
  static WeavingGate register(Instrumentation inst, Set<String> typeNames, long holdMillis) {
    WeavingGate gate = new WeavingGate(typeNames, holdMillis);
    inst.addTransformer(gate, true);
    for (Class<?> type : inst.getAllLoadedClasses()) {
      if (typeNames.contains(type.getName())) {
        gate.unwoven.add(type.getName());
      }
    }
    return gate;
  }

  /** Whether a class the gate rewrites was loaded before it: then only a retransformation reaches it. */
  boolean anyLoadedBefore() {
    return !unwoven.isEmpty();
  }

  /**
   * The rewritten classes (binary names) defined without their rewriting: loaded before the gate,
   * by the weaver's own builder, or let through when the weaver was late. These, and only these,
   * need a retransformation: retransforming a class already rewritten would leave its running
   * methods (a worker's loop) in the old, no longer compiled, version.
   */
  public Set<String> unwoven() {
    return Set.copyOf(unwoven);
  }

  void builtBy(Thread thread) {
    this.builder = thread;
  }

  /**
   * The weaver of the JDK's classes ({@code binaryNames}) is ready before the full one: their held
   * loads go on through it now, and every later load or retransformation of them (those it leaves as they are too,
   * such as the rejection policies); the libraries' classes keep waiting for {@link #open}.
   */
  public void openEarly(ClassFileTransformer weaver, Set<String> binaryNames) {
    // Only the classes it weaves: another JDK class (java.lang.VirtualThread) is Byte Buddy's.
    Set<String> jdk = new java.util.HashSet<>();
    for (String name : binaryNames) {
      if (internalNames.contains(name.replace('.', '/'))) {
        jdk.add(name.replace('.', '/'));
      }
    }
    this.earlyNames = Set.copyOf(jdk);
    this.early = weaver;
    earlyReady.countDown();
  }

  /** The weaver is ready: held class loads go on through it, and so does every later one. */
  public void open(ClassFileTransformer weaver) {
    this.weaver = weaver;
    earlyReady.countDown();
    ready.countDown();
  }

  /**
   * A JDK class rewritten ahead by the agent's thread: a later load that brings exactly the
   * {@code original} bytecode gets {@code rewritten} without running the weaver on the
   * application's thread.
   */
  public void prewoven(String binaryName, byte[] original, byte[] rewritten) {
    prewoven.put(binaryName.replace('.', '/'), new byte[][] {original, rewritten});
  }

  /** Whether a class of that name was defined through the gate already (no need to weave it ahead). */
  public boolean defined(String binaryName) {
    return defined.contains(binaryName.replace('.', '/'));
  }

  /** No weaver will come (the agent is off or failed to start): held class loads go on unchanged. */
  public void giveUp() {
    closed = true;
    earlyReady.countDown();
    ready.countDown();
  }

  /** Stops rewriting: later loads and retransformations get the classes' original bytecode. */
  public void close(Instrumentation inst) {
    giveUp();
    weaver = null;
    early = null;
    prewoven.clear();
    inst.removeTransformer(this);
  }

  /** Binary names of the classes this gate holds. */
  public Set<String> typeNames() {
    List<String> names = new ArrayList<>(internalNames.size());
    for (String name : internalNames) {
      names.add(name.replace('/', '.'));
    }
    return Set.copyOf(names);
  }

  /** Whether this gate rewrites the class of that binary name. */
  public boolean rewrites(String binaryName) {
    return internalNames.contains(binaryName.replace('.', '/'));
  }

  @Override
  public byte[] transform(Module module, ClassLoader loader, String className,
      Class<?> classBeingRedefined, ProtectionDomain domain, byte[] classfileBuffer)
      throws IllegalClassFormatException {
    if (className == null || !internalNames.contains(className) || closed) {
      return null;
    }
    if (classBeingRedefined == null) {
      defined.add(className);
    }
    ClassFileTransformer current = weaverOf(className);
    if (current == null) {
      // Only a class being defined waits: a retransformation (someone else's) goes on at once.
      current = classBeingRedefined == null && !notHeld.contains(className) ? await(className) : null;
      if (current == null) {
        unwoven.add(className.replace('/', '.'));
        return null;
      }
    }
    if (loader == null && classBeingRedefined == null) {
      byte[][] ahead = prewoven.get(className);
      if (ahead != null && Arrays.equals(ahead[0], classfileBuffer)) {
        return ahead[1].clone();
      }
    }
    return current.transform(module, loader, className, classBeingRedefined, domain, classfileBuffer);
  }

  /** The weaver of that class: the early one for its classes, once it is there, else the full one. */
  private ClassFileTransformer weaverOf(String className) {
    ClassFileTransformer first = early;
    return first != null && earlyNames.contains(className) ? first : weaver;
  }

  /** The weaver of that class, once ready; null on the builder's own thread, or when it is late or gone. */
  private ClassFileTransformer await(String className) {
    if (holdMillis == 0 || Thread.currentThread() == builder) {
      return null;
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(holdMillis);
    try {
      // Released by the early weaver (its classes), the full one or giving up; then the others wait on.
      earlyReady.await(holdMillis, TimeUnit.MILLISECONDS);
      if (!closed && weaverOf(className) == null) {
        ready.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return closed ? null : weaverOf(className);
  }
}
