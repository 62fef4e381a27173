package dev.spillway.agent.pool;

import dev.spillway.agent.install.TypeInstrumentation;
import java.util.function.Supplier;

/**
 * One pool library, as the pool family registers it: the number its advice passes to the hooks
 * (a {@code PoolHooks} constant), its adapter (how its pools are read) and its instrumentation
 * (what is woven where, built only when the agent builds its Byte Buddy weaver: not before the
 * JDK's classes are released, see {@code JdkWeaver}; null when another library's instrumentation
 * also weaves this one's classes). Each lives in the library's own folder under {@code pool/}.
 */
final class PoolLibrary {

  final int id;
  final PoolAdapter adapter;
  final Supplier<TypeInstrumentation> instrumentation;

  PoolLibrary(int id, PoolAdapter adapter, Supplier<TypeInstrumentation> instrumentation) {
    this.id = id;
    this.adapter = adapter;
    this.instrumentation = instrumentation;
  }
}
