package dev.spillway.agent.launch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What the launcher reads before the agent's configuration exists: it must read it the same way. */
class LauncherTest {

  @Test
  void virtualThreadsAreHeldOnlyWhenCounted() {
    assertThat(Launcher.heldTypes(null)).doesNotContain(WovenTypes.VIRTUAL_THREAD)
        .containsAll(WovenTypes.NAMES.stream().filter(n -> !n.equals(WovenTypes.VIRTUAL_THREAD)).toList());
    assertThat(Launcher.heldTypes("vthread.enabled=true")).isEqualTo(WovenTypes.NAMES);
    assertThat(Launcher.heldTypes("rules=/x.yaml, spillway.vthread.enabled = TRUE ")).isEqualTo(WovenTypes.NAMES);
    // As the configuration: anything but true is the default, off.
    assertThat(Launcher.heldTypes("vthread.enabled=yes")).doesNotContain(WovenTypes.VIRTUAL_THREAD);
    assertThat(Launcher.heldTypes("vthread.enabled=true,vthread.enabled=false"))
        .doesNotContain(WovenTypes.VIRTUAL_THREAD);
  }

  @Test
  void startupModeReadsTheLastArgument() {
    assertThat(Launcher.startupMode("startup=Background")).isEqualTo("background");
    assertThat(Launcher.startupMode("spillway.startup=background,startup=complete")).isEqualTo("complete");
  }
}
