package dev.spillway.agent.pool;

import dev.spillway.agent.install.TypeInstrumentation;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;

/** The pool family's bytecode: each library's instrumentation, by the class names it rewrites. */
final class PoolInstrumentation implements TypeInstrumentation {

  private final Map<String, TypeInstrumentation> byType = new HashMap<>();

  PoolInstrumentation(List<TypeInstrumentation> libraries) {
    for (TypeInstrumentation library : libraries) {
      for (String name : library.typeNames()) {
        if (byType.putIfAbsent(name, library) != null) {
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
    TypeInstrumentation library = byType.get(type.getName());
    return library != null && library.appliesTo(type, loader);
  }

  @Override
  public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
    TypeInstrumentation library = byType.get(type.getName());
    return library == null ? builder : library.transform(builder, type);
  }
}
