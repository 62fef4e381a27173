package dev.spillway.agent.util;

import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** Opens packages of {@code java.base} for deep reflection to the agent's own module alone. */
public final class JavaBase {

  private JavaBase() {}

  /** Opens {@code packages} (such as {@code java.util.concurrent}) to the agent's module. */
  public static void openToAgent(Instrumentation inst, String... packages) {
    Set<Module> ours = Set.of(JavaBase.class.getModule());
    Map<String, Set<Module>> opens = new HashMap<>();
    for (String name : packages) {
      opens.put(name, ours);
    }
    inst.redefineModule(Object.class.getModule(), Set.of(), Map.of(), opens, Set.of(), Map.of());
  }
}
