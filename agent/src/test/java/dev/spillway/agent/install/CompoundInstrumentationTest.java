package dev.spillway.agent.install;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import org.junit.jupiter.api.Test;

class CompoundInstrumentationTest {

  /** Rewrites {@code names}; retransforms none of {@code kept}. */
  private static TypeInstrumentation part(Set<String> names, Set<String> kept) {
    return new TypeInstrumentation() {
      @Override public Set<String> typeNames() { return names; }
      @Override public boolean retransforms(String typeName, boolean restoring) { return !kept.contains(typeName); }
      @Override public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type) {
        return builder;
      }
    };
  }

  @Test
  void eachClassIsAnsweredForByThePartThatRewritesIt() {
    CompoundInstrumentation compound = new CompoundInstrumentation(List.of(
        part(Set.of("a.Jdk", "a.Worker"), Set.of("a.Jdk")), part(Set.of("b.Library"), Set.of())));
    assertThat(compound.typeNames()).containsExactlyInAnyOrder("a.Jdk", "a.Worker", "b.Library");
    assertThat(compound.retransforms("a.Jdk", true)).isFalse();
    assertThat(compound.retransforms("a.Worker", true)).isTrue();
    assertThat(compound.retransforms("b.Library", true)).isTrue();
  }

  @Test
  void aClassRewrittenByTwoPartsIsRefused() {
    assertThatThrownBy(() -> new CompoundInstrumentation(List.of(part(Set.of("a.X"), Set.of()),
        part(Set.of("a.X"), Set.of())))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.X");
  }
}
