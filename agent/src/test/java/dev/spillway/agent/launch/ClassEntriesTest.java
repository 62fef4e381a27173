package dev.spillway.agent.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The class bytes read through the jar's own index are exactly the entries' bytes, or nothing. */
class ClassEntriesTest {

  @TempDir
  Path dir;

  private final List<String> defined = new ArrayList<>();
  private final List<byte[]> bytes = new ArrayList<>();

  private final ClassEntries.Definer definer = (name, data, length) -> {
    defined.add(name);
    bytes.add(Arrays.copyOf(data, length));
    return ClassEntriesTest.class;
  };

  @Test
  void readsDeflatedAndStoredEntriesOfTheIndexedForm() throws IOException {
    byte[] small = content(1_000, 1);
    byte[] large = content(100_000, 2);
    byte[] stored = content(5_000, 3);
    Path jar = dir.resolve("a.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      deflated(out, "inst/", small);
      deflated(out, "inst/a/b/Small.classdata", small);
      deflated(out, "inst/a/b/Large$1.classdata", large);
      stored(out, "inst/a/Stored.classdata", stored);
      deflated(out, "inst/a/b/notes.txt", small);
      deflated(out, "other/a/b/Other.classdata", small);
    }
    try (ClassEntries entries = ClassEntries.open(jar.toFile(), "inst/", ".classdata")) {
      assertThat(entries).isNotNull();
      assertThat(entries.define("a.b.Small", definer)).isEqualTo(ClassEntriesTest.class);
      assertThat(entries.define("a.b.Large$1", definer)).isEqualTo(ClassEntriesTest.class);
      assertThat(entries.define("a.Stored", definer)).isEqualTo(ClassEntriesTest.class);
      // The same class again, through a buffer that was used before.
      assertThat(entries.define("a.b.Small", definer)).isEqualTo(ClassEntriesTest.class);
      assertThat(defined).containsExactly("a.b.Small", "a.b.Large$1", "a.Stored", "a.b.Small");
      assertThat(bytes.get(0)).isEqualTo(small);
      assertThat(bytes.get(1)).isEqualTo(large);
      assertThat(bytes.get(2)).isEqualTo(stored);
      assertThat(bytes.get(3)).isEqualTo(small);

      // Not of the indexed form, or not there: the caller reads them otherwise.
      assertThat(entries.define("a.b.Other", definer)).isNull();
      assertThat(entries.define("a.b.notes", definer)).isNull();
      assertThat(entries.define("a.b.Missing", definer)).isNull();
      assertThat(entries.define("a/b/Small", definer)).isNull();
      assertThat(defined).hasSize(4);
    }
  }

  @Test
  void anUnreadableJarIsNotIndexed() throws IOException {
    Path notAJar = dir.resolve("b.jar");
    Files.write(notAJar, content(100, 4));
    assertThat(ClassEntries.open(notAJar.toFile(), "inst/", ".classdata")).isNull();
    assertThat(ClassEntries.open(dir.resolve("missing.jar").toFile(), "inst/", ".classdata")).isNull();
  }

  private static byte[] content(int size, long seed) {
    byte[] data = new byte[size];
    Random random = new Random(seed);
    for (int i = 0; i < size; i++) {
      // Compressible, as class files are, but not trivially.
      data[i] = (byte) ('a' + random.nextInt(i % 7 + 2));
    }
    return data;
  }

  private static void deflated(JarOutputStream out, String name, byte[] data) throws IOException {
    out.putNextEntry(new JarEntry(name));
    if (!name.endsWith("/")) {
      out.write(data);
    }
    out.closeEntry();
  }

  private static void stored(JarOutputStream out, String name, byte[] data) throws IOException {
    JarEntry entry = new JarEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(data.length);
    entry.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    entry.setCrc(crc.getValue());
    out.putNextEntry(entry);
    ((OutputStream) out).write(data);
    out.closeEntry();
  }
}
