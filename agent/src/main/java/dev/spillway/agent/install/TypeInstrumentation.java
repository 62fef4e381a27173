package dev.spillway.agent.install;

import java.util.Set;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;

/**
 * The bytecode side of one instrumented family: which classes it rewrites, by exact name, and the
 * advice it weaves into them. Advice is built when the instrumentation is constructed: under
 * {@code -javaagent}, by the first class Byte Buddy rewrites, during its transformation (see
 * {@link LazyWeaver}). So the advice classes' signatures name only the JDK types loaded long
 * before any of them ({@code Object}, {@code Thread}, {@code Throwable}, primitives): a type they
 * named would be loaded then, and the class being defined cannot be.
 */
public interface TypeInstrumentation {

  /** Exact names of the classes to rewrite. */
  Set<String> typeNames();

  /**
   * Whether to rewrite {@code type} as defined by {@code loader} (null: the bootstrap loader).
   * Library instrumentations check here, once per loader, that what their advice touches exists
   * in that version of the library, and skip it otherwise: never a {@code NoSuchMethodError} in
   * the application. JDK classes need no check.
   */
  default boolean appliesTo(TypeDescription type, ClassLoader loader) {
    return true;
  }

  /**
   * Whether a loaded class of {@link #typeNames} may be retransformed: to rewrite it when it loaded
   * before the agent, or ({@code restoring}) to give it its original bytecode at a detach. Not
   * when a method that never returns (a worker's loop) would stay, for good, in the old version,
   * which the JVM no longer compiles.
   */
  default boolean retransforms(String typeName, boolean restoring) {
    return true;
  }

  /** Adds this family's advice to one of its classes. */
  DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type);
}
