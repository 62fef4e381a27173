package dev.spillway.agent.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.pool.TypePool;
import org.junit.jupiter.api.Test;

class LoadedTypeFallbackTest {

  /** Stands for the OpenTelemetry agent's VirtualFieldInstalledMarker: loaded, no class file. */
  interface Marker {}

  /** Stands for ThreadPoolExecutor$Worker after that agent added its marker interface. */
  static final class Marked implements Marker {}

  /** Defines both types, and serves no class file for the marker, as for a type defined by injection. */
  static final class HidingLoader extends ClassLoader {
    private static final ClassLoader SOURCE = LoadedTypeFallbackTest.class.getClassLoader();

    HidingLoader() {
      super(null);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      if (!name.equals(Marker.class.getName()) && !name.equals(Marked.class.getName())) {
        throw new ClassNotFoundException(name);
      }
      try (InputStream in = SOURCE.getResourceAsStream(name.replace('.', '/') + ".class")) {
        byte[] bytes = in.readAllBytes();
        return defineClass(name, bytes, 0, bytes.length);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    @Override
    public URL getResource(String name) {
      if (name.equals(Marked.class.getName().replace('.', '/') + ".class")) {
        return SOURCE.getResource(name);
      }
      return super.getResource(name);
    }
  }

  @Test
  void describesAnInterfaceThatExistsOnlyAsALoadedClass() throws Exception {
    HidingLoader loader = new HidingLoader();
    Class.forName(Marker.class.getName(), false, loader);

    TypePool pool = new LoadedTypeFallback().typePool(ClassFileLocator.ForClassLoader.of(loader), loader);
    TypeDescription marked = pool.describe(Marked.class.getName()).resolve();

    TypeDescription marker = marked.getInterfaces().asErasures().getOnly();
    assertThat(marker.getName()).isEqualTo(Marker.class.getName());
    assertThat(marker.isInterface()).isTrue();
    assertThat(marked.isAssignableTo(marker)).isTrue();
  }

  @Test
  void byteBuddysFastPoolAloneCannotDescribeIt() throws Exception {
    // The condition the fallback is for (issue 10): reading class files only, the interface is unknown.
    HidingLoader loader = new HidingLoader();
    Class.forName(Marker.class.getName(), false, loader);

    TypePool pool = AgentBuilder.PoolStrategy.Default.FAST.typePool(ClassFileLocator.ForClassLoader.of(loader), loader);
    TypeDescription marked = pool.describe(Marked.class.getName()).resolve();

    assertThatThrownBy(() -> marked.getInterfaces().asErasures().getOnly().isInterface())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(Marker.class.getName());
  }

  @Test
  void aNameNobodyKnowsStaysUnresolved() {
    HidingLoader loader = new HidingLoader();
    TypePool pool = new LoadedTypeFallback().typePool(ClassFileLocator.ForClassLoader.of(loader), loader);
    assertThat(pool.describe("com.example.NoSuchType").isResolved()).isFalse();
  }
}
