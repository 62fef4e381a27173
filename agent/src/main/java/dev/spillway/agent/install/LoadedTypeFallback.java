package dev.spillway.agent.install;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;

/**
 * Byte Buddy's fast type pool, which describes a type from its class file, plus a fallback for a
 * type whose class file nobody serves: it is then described from the loaded class.
 *
 * <p>Another agent that rewrote a class before us may have added types to it that exist only as
 * loaded classes: the OpenTelemetry Java agent adds the interface
 * {@code io.opentelemetry.javaagent.bootstrap.field.VirtualFieldInstalledMarker} to the classes it
 * keeps fields for ({@code ThreadPoolExecutor$Worker} among them), defined straight into the
 * bootstrap loader. Without the fallback, rewriting such a class fails with a
 * {@code NoSuchTypeException} and it runs unchanged. The fallback runs only for a name the class
 * files do not resolve, so it never loads a class the fast path would have read.
 */
final class LoadedTypeFallback implements AgentBuilder.PoolStrategy {

  @Override
  public TypePool typePool(ClassFileLocator locator, ClassLoader loader) {
    return new TypePool.LazyFacade(new Pool(locator, loader));
  }

  @Override
  public TypePool typePool(ClassFileLocator locator, ClassLoader loader, String name) {
    return typePool(locator, loader);
  }

  private static final class Pool extends TypePool.Default.WithLazyResolution {
    private final ClassLoader loader;
    private final TypePool.CacheProvider.Simple cache;

    Pool(ClassFileLocator locator, ClassLoader loader) {
      this(locator, loader, (TypePool.CacheProvider.Simple) TypePool.CacheProvider.Simple.withObjectType());
    }

    private Pool(ClassFileLocator locator, ClassLoader loader, TypePool.CacheProvider.Simple cache) {
      super(cache, locator, TypePool.Default.ReaderMode.FAST);
      this.loader = loader;
      this.cache = cache;
    }

    @Override
    protected Resolution doResolve(String name) {
      Resolution resolution = super.doResolve(name);
      if (resolution.isResolved()) {
        return resolution;
      }
      Class<?> loaded = loaded(name, loader);
      if (loaded == null && loader != null) {
        loaded = loaded(name, null);
      }
      if (loaded == null) {
        return resolution;
      }
      // Replaces the failure the pool cached: the types it parsed look their references up there.
      Resolution found = new Resolution.Simple(TypeDescription.ForLoadedType.of(loaded));
      cache.getStorage().put(name, found);
      return found;
    }

    private static Class<?> loaded(String name, ClassLoader loader) {
      try {
        return Class.forName(name, false, loader);
      } catch (Throwable t) {
        return null;
      }
    }
  }
}
