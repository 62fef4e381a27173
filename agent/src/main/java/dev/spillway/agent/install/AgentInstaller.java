package dev.spillway.agent.install;

import static net.bytebuddy.matcher.ElementMatchers.namedOneOf;
import static net.bytebuddy.matcher.ElementMatchers.not;

import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.agent.builder.ResettableClassFileTransformer;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;

/**
 * The one Byte Buddy setup, for {@code -javaagent} and attach alike.
 *
 * <ul>
 *   <li>Retransformation without class-format changes: classes already loaded (a pool created
 *       before the agent was ready, or a running JVM) are rewritten too, adding no fields or
 *       methods, so it works on any JVM state and can be undone.
 *   <li>Types are matched by exact name, and everything else is ignored outright: the default
 *       rules would skip the JDK classes we need, and a precise list keeps class loading cheap.
 * </ul>
 */
public final class AgentInstaller {

  private static final String NEXUS_DISABLED = "net.bytebuddy.nexus.disabled";

  private AgentInstaller() {}

  /** Installs the transformer and retransforms what is already loaded; returns a handle to undo it. */
  public static ResettableClassFileTransformer install(Instrumentation inst,
      List<TypeInstrumentation> instrumentations) {
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
        .installOn(inst);
  }

  private static AgentBuilder newBuilder() {
    // Nexus is for initializers of new types, which we never create; disabled, Byte Buddy does not
    // reach for sun.misc.Unsafe (JDK 24+ prints a warning for that). Only while building.
    String previous = System.getProperty(NEXUS_DISABLED);
    System.setProperty(NEXUS_DISABLED, "true");
    try {
      return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
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
