package dev.spillway.agent.launch;

import java.io.File;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.net.URL;
import java.util.jar.JarFile;

/**
 * Entry point of the agent jar: {@code premain} for {@code -javaagent}, {@code agentmain} for
 * attach, {@code main} for the command line.
 *
 * <p>The JVM loads this class with the application class loader, before the jar is on the
 * bootstrap class path; once it is, the same classes exist a second time there. So this class
 * only finds its jar, makes sure the jar is on the bootstrap class path, and hands over, by
 * reflection, to {@link Launcher} as loaded by the bootstrap loader. It names no other class of
 * ours and keeps no state. Nothing here may stop the JVM from starting: failures become one line
 * on standard error.
 */
public final class SpillwayAgent {

  private static final String LAUNCHER = "dev.spillway.agent.launch.Launcher";

  private SpillwayAgent() {}

  public static void premain(String args, Instrumentation inst) {
    handOver("premain", args, inst);
  }

  public static void agentmain(String args, Instrumentation inst) {
    handOver("agentmain", args, inst);
  }

  /** The command line: {@code java -jar spillway-agent.jar <command> ...}. No bootstrap needed. */
  public static void main(String[] args) throws Throwable {
    try {
      Launcher.class.getMethod("main", String[].class).invoke(null, (Object) args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void handOver(String entry, String args, Instrumentation inst) {
    try {
      File jar = locateJar();
      Class<?> launcher;
      try {
        // Already there through the manifest's Boot-Class-Path, or an earlier attach.
        launcher = Class.forName(LAUNCHER, false, null);
      } catch (ClassNotFoundException notYet) {
        // Appending at run time makes the JVM print a class-sharing warning: only as fallback.
        inst.appendToBootstrapClassLoaderSearch(new JarFile(jar));
        launcher = Class.forName(LAUNCHER, false, null);
      }
      launcher.getMethod(entry, String.class, Instrumentation.class, File.class)
          .invoke(null, args, inst, jar);
    } catch (InvocationTargetException e) {
      fail(e.getCause());
    } catch (Throwable t) {
      fail(t);
    }
  }

  /**
   * The jar holding this class, from the class's own resource URL (not the protection domain,
   * which a security manager may refuse and which is null on the bootstrap class path).
   */
  static File locateJar() throws Exception {
    String resource = SpillwayAgent.class.getName().replace('.', '/') + ".class";
    URL url = SpillwayAgent.class.getResource("/" + resource);
    if (url == null) {
      url = ClassLoader.getSystemResource(resource);
    }
    if (url == null || !"jar".equals(url.getProtocol())) {
      throw new IllegalStateException("Spillway must run from its jar, found " + url);
    }
    String spec = url.getFile();
    return new File(new URI(spec.substring(0, spec.indexOf("!/"))));
  }

  private static void fail(Throwable t) {
    // Logging is not up (and must not be started here): standard error is all there is.
    System.err.println("[spillway] ERROR agent not started: " + t);
    if ("debug".equals(System.getProperty("spillway.log.level"))) {
      t.printStackTrace();
    }
  }
}
