package dev.spillway.agent.shedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleLimitsTest {

  @TempDir
  Path dir;

  @Test
  void refusesAHugeFileWithoutReadingIt() throws Exception {
    Path file = dir.resolve("huge.yaml");
    try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
      sparse.setLength(200L * 1024 * 1024);
    }
    long before = usedHeap();

    assertThatThrownBy(() -> RuleLimits.read(file))
        .isInstanceOf(RuleFileException.class)
        .hasMessage(file + ":1:1: the file is 209715200 bytes, more than the limit of 262144 (256 KiB)");
    assertThat(usedHeap() - before).isLessThan(50L * 1024 * 1024);
  }

  @Test
  void readsAFileAtTheLimit() throws Exception {
    Path file = dir.resolve("full.yaml");
    Files.writeString(file, ("#" + "x".repeat(1022) + "\n").repeat(256));

    assertThat(RuleLimits.read(file)).hasSize(RuleLimits.MAX_BYTES);
  }

  @Test
  void refusesBytesThatAreNotUtf8WithTheirPosition() throws Exception {
    Path file = dir.resolve("latin1.yaml");
    Files.write(file, "rules:\n  - name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));

    assertThatThrownBy(() -> RuleLimits.read(file))
        .isInstanceOf(RuleFileException.class)
        .hasMessage(file + ":2:14: not UTF-8 text (byte 0xe9)");
  }

  @Test
  void refusesWhatIsNotARegularFileWithoutOpeningIt() throws Exception {
    Path fifo = dir.resolve("fifo.yaml");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    // Opening a FIFO blocks until someone writes to it: that would stop the watcher for good.
    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> assertThatThrownBy(() -> RuleLimits.read(fifo))
        .isInstanceOf(RuleFileException.class).hasMessage(fifo + ":1:1: not a regular file"));
    assertThatThrownBy(() -> RuleLimits.read(dir)).hasMessage(dir + ":1:1: not a regular file");
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
