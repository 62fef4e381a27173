package dev.spillway.agent.install;

import dev.spillway.agent.AgentLog;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.utility.JavaModule;

/** Logs each class the agent rewrites (debug) and each class it could not rewrite (once). */
final class TransformListener extends AgentBuilder.Listener.Adapter {

  @Override
  public void onTransformation(TypeDescription type, ClassLoader loader, JavaModule module,
      boolean loaded, DynamicType dynamicType) {
    AgentLog.debug("instrumented " + type.getName() + (loaded ? " (retransformed)" : ""));
  }

  @Override
  public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded,
      Throwable error) {
    AgentLog.warnOnce("transform:" + typeName + "@" + System.identityHashCode(loader),
        "could not instrument " + typeName + ", it runs unchanged: " + error);
  }
}
