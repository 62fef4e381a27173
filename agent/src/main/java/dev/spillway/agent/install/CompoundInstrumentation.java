package dev.spillway.agent.install;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;

/**
 * One family's bytecode made of several instrumentations (each pool library; the JDK's executor and
 * Tomcat's copy), by the class names each rewrites.
 */
public final class CompoundInstrumentation implements TypeInstrumentation {

  private final Map<String, TypeInstrumentation> byType = new HashMap<>();

  public CompoundInstrumentation(List<TypeInstrumentation> parts) {
    for (TypeInstrumentation part : parts) {
      for (String name : part.typeNames()) {
        if (byType.putIfAbsent(name, part) != null) {
          throw new IllegalArgumentException(name + " is instrumented twice");
        }
      }
    }
  }

  @Override
  public Set<String> typeNames() {
    return byType.keySet();
  }

  @Override
  public boolean appliesTo(TypeDescription type, ClassLoader loader) {
    TypeInstrumentation part = byType.get(type.getName());
    return part != null && part.appliesTo(type, loader);
  }

  @Override
  public boolean retransforms(String typeName, boolean restoring) {
    TypeInstrumentation part = byType.get(typeName);
    return part == null || part.retransforms(typeName, restoring);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    TypeInstrumentation part = byType.get(type.getName());
    return part == null ? builder : part.transform(builder, type);
  }
}
