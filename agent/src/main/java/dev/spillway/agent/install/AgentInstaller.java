package dev.spillway.agent.install;

import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.launch.WeavingGate;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;

/**
 * The one Byte Buddy setup, for {@code -javaagent} and attach alike.
 *
 * <ul>
 *   <li>The weaver is a raw transformer that the {@link WeavingGate} calls: the gate is registered
 *       first and holds the classes it rewrites until the weaver exists, so no second
 *       registration may see them twice.
 *   <li>Retransformation without class-format changes: classes already loaded (a running JVM, or a
 *       class another agent loaded before us) are rewritten too, adding no fields or methods, so
 *       it works on any JVM state and can be undone.
 *   <li>Types are matched by exact name, and everything else is ignored outright: the default
 *       rules would skip the JDK classes we need, and a precise list keeps class loading cheap.
 * </ul>
 */
public final class AgentInstaller {

  private static final String NEXUS_DISABLED = "net.bytebuddy.nexus.disabled";

  private AgentInstaller() {}

  /** The transformer that rewrites every class of {@code instrumentations}; not registered. */
  public static ClassFileTransformer weaver(List<TypeInstrumentation> instrumentations) {
    Map<String, List<TypeInstrumentation>> byType = new HashMap<>();
    for (TypeInstrumentation instrumentation : instrumentations) {
      for (String name : instrumentation.typeNames()) {
        byType.computeIfAbsent(name, n -> new ArrayList<>()).add(instrumentation);
      }
    }
    String[] names = byType.keySet().toArray(new String[0]);
    return newBuilder()
        .ignore(not(namedOneOf(names)))
        .type((type, loader, module, redefined, domain) -> {
          List<TypeInstrumentation> candidates = byType.get(type.getName());
          if (candidates == null) {
            return false;
          }
          for (TypeInstrumentation instrumentation : candidates) {
            if (instrumentation.appliesTo(type, loader)) {
              return true;
            }
          }
          return false;
        })
        .transform((builder, type, loader, module, domain) -> {
          DynamicType.Builder<?> result = builder;
          for (TypeInstrumentation instrumentation : byType.get(type.getName())) {
            if (instrumentation.appliesTo(type, loader)) {
              result = instrumentation.transform(result, type);
            }
          }
          return result;
        })
        .makeRaw();
  }

  /**
   * Rewrites ahead, on the calling agent thread, the JDK classes among {@code typeNames} that have
   * not loaded yet, from the runtime image's bytecode, and hands each to the gate as it is done:
   * an application thread that loads one later only compares bytes. Executors first, the most
   * common first use.
   */
  public static void weaveAhead(ClassFileTransformer weaver, WeavingGate gate, Set<String> typeNames) {
    List<String> order = new ArrayList<>(typeNames);
    order.sort(java.util.Comparator.comparing((String name) -> !name.contains("ThreadPoolExecutor"))
        .thenComparing(name -> name));
    Module javaBase = Object.class.getModule();
    for (String name : order) {
      if (!name.startsWith("java.") || gate.defined(name)) {
        continue;
      }
      String internal = name.replace('.', '/');
      try (InputStream in = javaBase.getResourceAsStream(internal + ".class")) {
        if (in == null) {
          continue;
        }
        byte[] original = in.readAllBytes();
        byte[] rewritten = weaver.transform(javaBase, null, internal, null, null, original.clone());
        if (rewritten != null) {
          gate.prewoven(name, original, rewritten);
        }
      } catch (Throwable t) {
        AgentLog.debug("could not rewrite " + name + " ahead; it is rewritten when it loads", t);
      }
    }
  }

  /**
   * Retransforms, through the gate, the loaded classes it rewrites but could not hold: those
   * loaded before it, or while the weaver was late ({@link WeavingGate#unwoven}). None: the
   * instrumentations are not made for it.
   */
  public static int retransformUnwoven(Instrumentation inst, WeavingGate gate, LazyWeaver weaver) {
    Set<String> unwoven = gate.unwoven();
    if (unwoven.isEmpty()) {
      return 0;
    }
    List<TypeInstrumentation> instrumentations = weaver.instrumentations();
    Set<String> names = new HashSet<>();
    for (String name : unwoven) {
      if (retransforms(instrumentations, name, false)) {
        names.add(name);
      }
    }
    return retransform(inst, names);
  }

  /**
   * After the gate is closed: gives every class it rewrote its original bytecode back, except
   * those that must never be retransformed ({@link TypeInstrumentation#retransforms}).
   */
  public static int restore(Instrumentation inst, WeavingGate gate, LazyWeaver weaver) {
    List<TypeInstrumentation> instrumentations = weaver.instrumentations();
    Set<String> all = new HashSet<>();
    for (Class<?> type : inst.getAllLoadedClasses()) {
      // One woven with fields of ours stays: its original bytecode lacks them.
      if (gate.rewrites(type.getName()) && retransforms(instrumentations, type.getName(), true)
          && !JdkWeaver.declaresAgentFields(type)) {
        all.add(type.getName());
      }
    }
    return retransform(inst, all);
  }

  private static boolean retransforms(List<TypeInstrumentation> instrumentations, String name,
      boolean restoring) {
    for (TypeInstrumentation instrumentation : instrumentations) {
      if (instrumentation.typeNames().contains(name) && !instrumentation.retransforms(name, restoring)) {
        return false;
      }
    }
    return true;
  }

  /** Retransforms the loaded classes with these names; returns how many could not be. */
  private static int retransform(Instrumentation inst, Set<String> names) {
    if (names.isEmpty()) {
      return 0;
    }
    List<Class<?>> loaded = new ArrayList<>();
    for (Class<?> type : inst.getAllLoadedClasses()) {
      if (names.contains(type.getName()) && inst.isModifiableClass(type)) {
        loaded.add(type);
      }
    }
    if (loaded.isEmpty()) {
      return 0;
    }
    try {
      inst.retransformClasses(loaded.toArray(new Class<?>[0]));
      return 0;
    } catch (Throwable batch) {
      int failed = 0;
      for (Class<?> type : loaded) {
        try {
          inst.retransformClasses(type);
        } catch (Throwable t) {
          failed++;
          AgentLog.warnOnce("retransform:" + type.getName(), "could not retransform " + type.getName()
              + ", it runs unchanged: " + t);
        }
      }
      return failed;
    }
  }

  private static AgentBuilder newBuilder() {
    // Nexus is for initializers of new types, which we never create; disabled, Byte Buddy does not
    // reach for sun.misc.Unsafe (JDK 24+ prints a warning for that). Only while building.
    String previous = System.getProperty(NEXUS_DISABLED);
    System.setProperty(NEXUS_DISABLED, "true");
    try {
      // Advice only rewrites declared methods: no need for the whole hierarchy's method graph,
      // the costliest part of a first transformation. Class files are read without debug data.
      return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED)
              .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE))
          .with(new LoadedTypeFallback())
          .disableClassFormatChanges()
          .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
          .with(AgentBuilder.RedefinitionStrategy.DiscoveryStrategy.Reiterating.INSTANCE)
          .with(AgentBuilder.TypeStrategy.Default.DECORATE)
          .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
          .with(new TransformListener());
    } finally {
      if (previous == null) {
        System.clearProperty(NEXUS_DISABLED);
      } else {
        System.setProperty(NEXUS_DISABLED, previous);
      }
    }
  }
}
