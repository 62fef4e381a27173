package dev.spillway.agent.launch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.MalformedURLException;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;
import java.security.cert.Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The isolated class loader of the agent's implementation.
 *
 * <p>The implementation and its dependencies (Byte Buddy, the OpenTelemetry SDK and exporters)
 * sit in the agent jar under {@code inst/}, with {@code .class} renamed to {@code .classdata}, so no
 * other loader and no class-path scanner can see them. This loader defines them, read through
 * {@link ClassEntries} (or {@code JarFile} where that cannot read one). Its parent is the
 * platform loader, never the application loader, so the application's own Byte Buddy,
 * OpenTelemetry, OkHttp or Kotlin are invisible here, and ours to the application. The bootstrap
 * classes are reached through the platform loader's delegation to the bootstrap loader.
 *
 * <p>Byte Buddy reads advice bytecode as {@code .class} resources; those requests are mapped to
 * the {@code .classdata} entries.
 */
final class AgentClassLoader extends ClassLoader implements ClassEntries.Definer {

  static {
    registerAsParallelCapable();
  }

  private static final String PREFIX = "inst/";
  private static final String CLASS_DATA = ".classdata";
  private static final String OWN_AGENT = "dev.spillway.agent.";
  private static final String OWN_SHADED = "dev.spillway.shaded.";

  private final JarFile jar;
  /** The classes, read without allocating for each; null if the jar cannot be read that way. */
  private final ClassEntries classes;
  private final String jarUrl;
  private final ProtectionDomain domain;

  AgentClassLoader(File file) throws IOException {
    super("spillway", ClassLoader.getPlatformClassLoader());
    this.jar = new JarFile(file, false);
    this.classes = ClassEntries.open(file, PREFIX, CLASS_DATA);
    URL url = file.toURI().toURL();
    this.jarUrl = "jar:" + url.toExternalForm() + "!/";
    this.domain = new ProtectionDomain(new CodeSource(url, (Certificate[]) null), null, this, null);
  }

  /**
   * The agent's own and relocated classes are looked up here first: only this jar's {@code inst/}
   * has them (the bootstrap class path, this jar's root, holds the launcher and
   * {@code dev.spillway.bootstrap}, which are not under {@code inst/} and still come from the
   * parent), and asking the platform loader
   * first made it throw, and fill the stack trace of, a {@code ClassNotFoundException} for each of
   * the agent's some 1,000 classes. Everything else is asked of the parent first, as always.
   */
  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.startsWith(OWN_AGENT) && !name.startsWith(OWN_SHADED)) {
      return super.loadClass(name, resolve);
    }
    synchronized (getClassLoadingLock(name)) {
      Class<?> loaded = findLoadedClass(name);
      if (loaded == null) {
        loaded = defineFromJar(name);
        if (loaded == null) {
          return super.loadClass(name, resolve);
        }
      }
      if (resolve) {
        resolveClass(loaded);
      }
      return loaded;
    }
  }

  @Override
  protected Class<?> findClass(String name) throws ClassNotFoundException {
    Class<?> defined = defineFromJar(name);
    if (defined == null) {
      throw new ClassNotFoundException(name);
    }
    return defined;
  }

  /** Defines {@code name} from this jar's {@code inst/}; null if it is not there. */
  private Class<?> defineFromJar(String name) throws ClassNotFoundException {
    Class<?> defined = classes == null ? null : classes.define(name, this);
    if (defined != null) {
      return defined;
    }
    JarEntry entry = jar.getJarEntry(PREFIX + name.replace('.', '/') + CLASS_DATA);
    return entry == null ? null : define(name, entry);
  }

  private Class<?> define(String name, JarEntry entry) throws ClassNotFoundException {
    byte[] bytes;
    try (InputStream in = jar.getInputStream(entry)) {
      bytes = read(in, entry.getSize());
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
    return define(name, bytes, bytes.length);
  }

  /** Defines {@code name} from the first {@code length} of {@code bytes}, its package first. */
  @Override
  public Class<?> define(String name, byte[] bytes, int length) {
    int dot = name.lastIndexOf('.');
    if (dot > 0) {
      String pkg = name.substring(0, dot);
      if (getDefinedPackage(pkg) == null) {
        try {
          definePackage(pkg, null, null, null, null, null, null, null);
        } catch (IllegalArgumentException definedConcurrently) {
          // another thread defined it first
        }
      }
    }
    return defineClass(name, bytes, 0, length, domain);
  }

  /**
   * The entry's bytes, read straight into an array of its size: {@code readAllBytes} reads in
   * chunks and copies, which over the agent's classes came to a tenth of all it allocates while
   * starting (heap the JVM then keeps committed).
   */
  private static byte[] read(InputStream in, long size) throws IOException {
    if (size < 0 || size > Integer.MAX_VALUE - 8) {
      return in.readAllBytes();
    }
    byte[] bytes = new byte[(int) size];
    int read = in.readNBytes(bytes, 0, bytes.length);
    if (read != bytes.length || in.read() != -1) {
      throw new IOException("entry size " + size + " does not match its content");
    }
    return bytes;
  }

  @Override
  protected URL findResource(String name) {
    String entryName = entryName(name);
    if (jar.getJarEntry(entryName) == null) {
      return null;
    }
    try {
      return new URL(jarUrl + entryName);
    } catch (MalformedURLException e) {
      return null;
    }
  }

  @Override
  protected Enumeration<URL> findResources(String name) {
    URL url = findResource(name);
    return url == null ? Collections.emptyEnumeration() : Collections.enumeration(Collections.singleton(url));
  }

  @Override
  public InputStream getResourceAsStream(String name) {
    // Read straight from the open jar: URL connections may have caching turned off by the host.
    JarEntry entry = jar.getJarEntry(entryName(name));
    if (entry == null) {
      return super.getResourceAsStream(name);
    }
    try {
      return jar.getInputStream(entry);
    } catch (IOException e) {
      return null;
    }
  }

  private static String entryName(String resource) {
    return resource.endsWith(".class")
        ? PREFIX + resource.substring(0, resource.length() - ".class".length()) + CLASS_DATA
        : PREFIX + resource;
  }
}
