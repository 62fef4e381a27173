package dev.spillway.agent.pool;

import dev.spillway.agent.AgentLog;
import dev.spillway.bootstrap.PoolHooks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import net.bytebuddy.description.field.FieldDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Checks, once per application class loader, that a library version has every method and field
 * the advice and the adapter touch, reading class files through the loader without loading a
 * class. A loader whose version lacks something is declined as a whole: its classes run unchanged
 * (never a {@code NoSuchMethodError} in the application), and one debug line says what was missing.
 * Verdicts are kept per loader, weakly.
 */
public final class LibraryCheck {

  /** One thing the instrumentation needs. */
  public static final class Requirement {
    final String type;
    final String member;
    /** Parameter type names for a method; null for a field; "*" as the only entry: any parameters. */
    final String[] parameters;

    private Requirement(String type, String member, String[] parameters) {
      this.type = type;
      this.member = member;
      this.parameters = parameters;
    }

    /** A method of {@code type} or a superclass, with exactly these parameter types. */
    public static Requirement method(String type, String name, String... parameterTypes) {
      return new Requirement(type, name, parameterTypes);
    }

    /** A method of {@code type} or a superclass with this name, whatever its parameters. */
    public static Requirement anyMethod(String type, String name) {
      return new Requirement(type, name, new String[] {"*"});
    }

    public static Requirement field(String type, String name) {
      return new Requirement(type, name, null);
    }

    @Override
    public String toString() {
      return parameters == null ? type + "." + member
          : type + "." + member + "(" + String.join(", ", parameters) + ")";
    }
  }

  private final String library;
  private final List<Requirement> requirements;
  private final Map<ClassLoader, Boolean> verdicts = new WeakHashMap<>();

  public LibraryCheck(String library, List<Requirement> requirements) {
    this.library = library;
    this.requirements = List.copyOf(requirements);
  }

  /** Whether {@code loader}'s copy of the library has everything. */
  public boolean accepts(ClassLoader loader) {
    if (loader == null) {
      return false;
    }
    synchronized (verdicts) {
      Boolean verdict = verdicts.get(loader);
      if (verdict != null) {
        return verdict;
      }
    }
    boolean reaches = reachesHooks(loader);
    List<String> missing = reaches ? missing(loader) : List.of();
    boolean ok = reaches && missing.isEmpty();
    synchronized (verdicts) {
      Boolean earlier = verdicts.putIfAbsent(loader, ok);
      if (earlier != null) {
        return earlier;
      }
    }
    if (!missing.isEmpty()) {
      AgentLog.debug(library + " in " + loader + " not instrumented, this version lacks "
          + String.join(", ", missing));
    } else if (!ok) {
      AgentLog.warnOnce("hooks-unreachable:" + library, library + " in " + loader + " not instrumented:"
          + " that class loader does not delegate dev.spillway.bootstrap to the bootstrap loader"
          + " (JBoss Modules: -Djboss.modules.system.pkgs=dev.spillway.bootstrap; OSGi:"
          + " org.osgi.framework.bootdelegation=dev.spillway.bootstrap.*)");
    }
    return ok;
  }

  /**
   * Whether classes of {@code loader} resolve the hooks to the bootstrap copy. Advice is inlined
   * into the library's classes: where the hooks are not visible (a class loader that does not
   * delegate to its parents, as JBoss Modules and OSGi may), the advice would fail on every call.
   */
  private static boolean reachesHooks(ClassLoader loader) {
    try {
      return Class.forName(PoolHooks.class.getName(), false, loader) == PoolHooks.class;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** What {@code loader}'s copy lacks; empty if nothing. */
  List<String> missing(ClassLoader loader) {
    List<String> missing = new ArrayList<>();
    TypePool pool = TypePool.Default.of(ClassFileLocator.ForClassLoader.of(loader));
    for (Requirement requirement : requirements) {
      try {
        TypePool.Resolution resolution = pool.describe(requirement.type);
        if (!resolution.isResolved() || !has(resolution.resolve(), requirement)) {
          missing.add(requirement.toString());
        }
      } catch (RuntimeException e) {
        missing.add(requirement + " (" + e + ")");
      }
    }
    return missing;
  }

  private static boolean has(TypeDescription type, Requirement requirement) {
    for (TypeDefinition t = type; t != null; t = t.getSuperClass()) {
      TypeDescription erased = t.asErasure();
      if (requirement.parameters == null) {
        for (FieldDescription.InDefinedShape field : erased.getDeclaredFields()) {
          if (field.getName().equals(requirement.member)) {
            return true;
          }
        }
        continue;
      }
      for (MethodDescription.InDefinedShape method : erased.getDeclaredMethods()) {
        if (method.getName().equals(requirement.member) && parametersMatch(method, requirement.parameters)) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean parametersMatch(MethodDescription method, String[] wanted) {
    if (wanted.length == 1 && "*".equals(wanted[0])) {
      return true;
    }
    if (method.getParameters().size() != wanted.length) {
      return false;
    }
    int i = 0;
    for (ParameterDescription parameter : method.getParameters()) {
      if (!parameter.getType().asErasure().getName().equals(wanted[i++])) {
        return false;
      }
    }
    return true;
  }
}
