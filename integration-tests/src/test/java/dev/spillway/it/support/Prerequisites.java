package dev.spillway.it.support;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What some tests need from the machine: tmux, the JDK 25. Where one is missing, a developer's run
 * skips the test; CI ({@code CI} set to anything but {@code false} or {@code 0}, as CI services do)
 * fails it instead, so that a missing tool can never turn CI green: there {@code .ci/run} installs
 * tmux and the JDK 25 is part of the machine (issue 13).
 */
public final class Prerequisites {

  private Prerequisites() {}

  /** The JDK 25, or the test is skipped (failed in CI). */
  public static Path jdk25() {
    Path home = AgentJvm.jdk25();
    require(Files.isExecutable(home.resolve("bin/java")), "JDK 25 not installed at " + home);
    return home;
  }

  /** tmux, or the test is skipped (failed in CI). */
  public static void tmux() {
    boolean installed;
    try {
      installed = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start().waitFor() == 0;
    } catch (IOException e) {
      installed = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      installed = false;
    }
    require(installed, "tmux is not installed (.ci/run installs it)");
  }

  /** Skips the test when {@code present} is false, or fails it in CI. */
  public static void require(boolean present, String missing) {
    check(present, missing, System.getenv("CI"));
  }

  /** As {@link #require}, with the value of {@code CI} given; visible for tests. */
  static void check(boolean present, String missing, String ci) {
    if (present) {
      return;
    }
    if (inCi(ci)) {
      throw new AssertionError(missing + ": CI=" + ci + " runs every test, so this fails instead of"
          + " being skipped");
    }
    assumeTrue(false, missing + ": skipped (in CI, with CI=true, this fails)");
  }

  static boolean inCi(String ci) {
    return ci != null && !ci.isBlank() && !ci.trim().equalsIgnoreCase("false") && !ci.trim().equals("0");
  }
}
