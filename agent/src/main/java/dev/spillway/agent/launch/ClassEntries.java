package dev.spillway.agent.launch;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.util.ArrayDeque;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The agent's class files in its jar, read into reused buffers.
 *
 * <p>{@code JarFile} allocates, for each class, an entry, its name, an inflater stream with a
 * buffer the size of the compressed class and then the class's bytes: about 3 times the class,
 * some 6 MB over the classes the agent loads while it starts, all of it heap that a small program
 * then touches (see README, Overhead). This reads the jar's central directory once into an index
 * of the entries under one prefix and suffix (hashes and offsets: {@code int} arrays), and then
 * each class with a positional read and a reused {@link Inflater} into a buffer that goes back to
 * a small pool once the class is defined. Anything it cannot read as expected (an entry it did not
 * index, another compression, a size that does not match) answers null, and the caller reads the
 * class through {@code JarFile} as before.
 */
final class ClassEntries implements Closeable {

  /** Defines a class from {@code length} bytes of {@code bytes}, which are reused afterwards. */
  interface Definer {
    Class<?> define(String name, byte[] bytes, int length);
  }

  private static final int EOCD_SIGNATURE = 0x06054b50;
  private static final int CEN_SIGNATURE = 0x02014b50;
  private static final int LOC_SIGNATURE = 0x04034b50;
  private static final int EOCD_SIZE = 22;
  private static final int CEN_SIZE = 46;
  private static final int LOC_SIZE = 30;
  private static final int STORED = 0;
  private static final int DEFLATED = 8;
  /** The size of a pooled buffer for class bytes: a larger class gets an array of its own. */
  private static final int BUFFER = 16 * 1024;
  /** The same for compressed bytes (and the central directory's chunks). */
  private static final int COMPRESSED_BUFFER = 8 * 1024;
  /**
   * Pooled buffers kept: a class defined while another is (its superclass, its interfaces) takes
   * another.
   */
  private static final int POOLED = 6;
  /** How many of a name's last characters its key hashes: enough to tell most classes apart. */
  private static final int HASHED = 12;

  /** Read at a position under its own lock (seek, then read). */
  private final RandomAccessFile file;
  private final String prefix;
  private final String suffix;
  /** Open addressing over the entries: index + 1, 0 for a free slot. */
  private final int[] table;
  private final int[] hashes;
  private final int[] offsets;
  private final int[] compressedSizes;
  private final int[] sizes;
  private final byte[] methods;
  private final ArrayDeque<Buffers> pool = new ArrayDeque<>(POOLED);

  private ClassEntries(RandomAccessFile file, String prefix, String suffix, int count) {
    this.file = file;
    this.prefix = prefix;
    this.suffix = suffix;
    this.table = new int[Integer.highestOneBit(Math.max(count, 1) * 2) * 2];
    this.hashes = new int[count];
    this.offsets = new int[count];
    this.compressedSizes = new int[count];
    this.sizes = new int[count];
    this.methods = new byte[count];
  }

  /**
   * Indexes the entries of {@code jar} named {@code prefix + a/b/C + suffix}; null when the jar is
   * not one this can read (a ZIP64 archive, a comment, a read error): then every class is read
   * through {@code JarFile}.
   */
  static ClassEntries open(File jar, String prefix, String suffix) {
    RandomAccessFile file = null;
    try {
      file = new RandomAccessFile(jar, "r");
      byte[] end = new byte[EOCD_SIZE];
      long size = file.length();
      if (size < EOCD_SIZE || size > Integer.MAX_VALUE || read(file, size - EOCD_SIZE, end, EOCD_SIZE) < EOCD_SIZE
          || u32(end, 0) != EOCD_SIGNATURE || u16(end, 20) != 0) {
        file.close();
        return null;
      }
      int total = u16(end, 10);
      long cenSize = u32(end, 12) & 0xffffffffL;
      long cenOffset = u32(end, 16) & 0xffffffffL;
      ClassEntries entries = new ClassEntries(file, prefix, suffix, total);
      if (cenOffset + cenSize > size - EOCD_SIZE || !entries.index(cenOffset, cenOffset + cenSize, total)) {
        file.close();
        return null;
      }
      return entries;
    } catch (IOException | RuntimeException e) {
      if (file != null) {
        try {
          file.close();
        } catch (IOException ignored) {
          // nothing to do
        }
      }
      return null;
    }
  }

  /**
   * Reads the central directory in chunks through one buffer: no array the size of it. Plain array
   * arithmetic and a short key: this runs interpreted, once per entry (some 6,700), on the way to
   * the first class.
   */
  private boolean index(long from, long to, int total) throws IOException {
    byte[] chunk = new byte[COMPRESSED_BUFFER];
    long chunkStart = from;
    int chunkLength = 0;
    long position = from;
    int count = 0;
    int prefixLength = prefix.length();
    int suffixLength = suffix.length();
    for (int seen = 0; seen < total; seen++) {
      if (position + CEN_SIZE > to) {
        return false;
      }
      int at = (int) (position - chunkStart);
      if (position + CEN_SIZE > chunkStart + chunkLength
          || at + CEN_SIZE + u16(chunk, at + 28) > chunkLength) {
        chunkStart = position;
        chunkLength = read(file, position, chunk, chunk.length);
        at = 0;
        if (CEN_SIZE > chunkLength || CEN_SIZE + u16(chunk, 28) > chunkLength) {
          return false;
        }
      }
      if (u32(chunk, at) != CEN_SIGNATURE) {
        return false;
      }
      int nameLength = u16(chunk, at + 28);
      int name = at + CEN_SIZE;
      int end = name + nameLength - suffixLength;
      // Only the prefix is checked here: an entry of another form that shares a key is told apart
      // by its name when read, like any other.
      boolean indexed = end > name + prefixLength;
      for (int i = 0; indexed && i < prefixLength; i++) {
        indexed = chunk[name + i] == prefix.charAt(i);
      }
      int method = u16(chunk, at + 10);
      long compressed = u32(chunk, at + 20) & 0xffffffffL;
      long uncompressed = u32(chunk, at + 24) & 0xffffffffL;
      long local = u32(chunk, at + 42) & 0xffffffffL;
      if (indexed && (method == STORED || method == DEFLATED) && compressed < Integer.MAX_VALUE
          && uncompressed < Integer.MAX_VALUE && local < Integer.MAX_VALUE) {
        int hash = end - name - prefixLength;
        for (int i = Math.max(name + prefixLength, end - HASHED); i < end; i++) {
          hash = 31 * hash + chunk[i];
        }
        hashes[count] = hash;
        offsets[count] = (int) local;
        compressedSizes[count] = (int) compressed;
        sizes[count] = (int) uncompressed;
        methods[count] = (byte) method;
        int slot = hash & (table.length - 1);
        while (table[slot] != 0) {
          slot = (slot + 1) & (table.length - 1);
        }
        table[slot] = ++count;
      }
      position += CEN_SIZE + nameLength + u16(chunk, at + 30) + u16(chunk, at + 32);
    }
    return true;
  }

  private static int u16(byte[] bytes, int at) {
    return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8;
  }

  private static int u32(byte[] bytes, int at) {
    return (bytes[at] & 0xff) | (bytes[at + 1] & 0xff) << 8 | (bytes[at + 2] & 0xff) << 16 | (bytes[at + 3] & 0xff) << 24;
  }

  /**
   * The index's key of a class: the length of its name and its last {@link #HASHED} characters,
   * as its entry spells them ('/' for '.'). Entries that share a key are told apart by their names.
   */
  private static int classHash(String name) {
    int length = name.length();
    int hash = length;
    for (int i = Math.max(0, length - HASHED); i < length; i++) {
      char c = name.charAt(i);
      hash = 31 * hash + (byte) (c == '.' ? '/' : c);
    }
    return hash;
  }

  /**
   * Reads the class {@code name} and has {@code definer} define it; null when this cannot read it
   * (not indexed, or not as expected), for the caller to read it otherwise. Errors of the
   * definition itself ({@code ClassFormatError}, a {@code LinkageError}) go to the caller.
   */
  Class<?> define(String name, Definer definer) {
    int hash = classHash(name);
    for (int slot = hash & (table.length - 1); table[slot] != 0; slot = (slot + 1) & (table.length - 1)) {
      int entry = table[slot] - 1;
      if (hashes[entry] != hash) {
        continue;
      }
      Buffers buffers = take();
      try {
        byte[] bytes = read(entry, name, buffers);
        if (bytes != null) {
          return definer.define(name, bytes, sizes[entry]);
        }
      } finally {
        give(buffers);
      }
    }
    return null;
  }

  /** The entry's class bytes (in a pooled buffer when they fit), or null if it is not {@code name}'s. */
  private byte[] read(int entry, String name, Buffers buffers) {
    try {
      int nameLength = prefix.length() + name.length() + suffix.length();
      byte[] in = buffers.in;
      if (LOC_SIZE + nameLength > in.length) {
        return null;
      }
      if (read(file, offsets[entry], in, LOC_SIZE + nameLength) < LOC_SIZE + nameLength
          || u32(in, 0) != LOC_SIGNATURE || u16(in, 26) != nameLength || !isEntryOf(in, LOC_SIZE, name)) {
        return null;
      }
      long data = (long) offsets[entry] + LOC_SIZE + nameLength + u16(in, 28);
      int size = sizes[entry];
      if (methods[entry] == STORED) {
        if (size != compressedSizes[entry]) {
          return null;
        }
        byte[] out = size <= buffers.out.length ? buffers.out : new byte[size];
        return read(file, data, out, size) == size ? out : null;
      }
      int compressed = compressedSizes[entry];
      byte[] source = compressed <= in.length ? in : new byte[compressed];
      if (read(file, data, source, compressed) < compressed) {
        return null;
      }
      byte[] out = size <= buffers.out.length ? buffers.out : new byte[size];
      Inflater inflater = buffers.inflater;
      inflater.reset();
      inflater.setInput(source, 0, compressed);
      int done = 0;
      while (done < size) {
        int n = inflater.inflate(out, done, size - done);
        if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
          return null;
        }
        done += n;
      }
      return out;
    } catch (IOException | DataFormatException | RuntimeException e) {
      return null;
    }
  }

  /** Whether {@code bytes} from {@code from} hold the entry name of class {@code name}. */
  private boolean isEntryOf(byte[] bytes, int from, String name) {
    int at = from;
    for (int i = 0; i < prefix.length(); i++) {
      if (bytes[at++] != prefix.charAt(i)) {
        return false;
      }
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || bytes[at++] != (c == '.' ? '/' : c)) {
        return false;
      }
    }
    for (int i = 0; i < suffix.length(); i++) {
      if (bytes[at++] != suffix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private Buffers take() {
    synchronized (pool) {
      Buffers buffers = pool.pollFirst();
      if (buffers != null) {
        return buffers;
      }
    }
    return new Buffers();
  }

  private void give(Buffers buffers) {
    synchronized (pool) {
      if (pool.size() < POOLED) {
        pool.addFirst(buffers);
        return;
      }
    }
    buffers.inflater.end();
  }

  /** Reads up to {@code length} bytes at {@code position} into {@code into}; how many it read. */
  private static int read(RandomAccessFile file, long position, byte[] into, int length) throws IOException {
    synchronized (file) {
      file.seek(position);
      int done = 0;
      while (done < length) {
        int n = file.read(into, done, length - done);
        if (n < 0) {
          break;
        }
        done += n;
      }
      return done;
    }
  }

  @Override
  public void close() throws IOException {
    file.close();
    synchronized (pool) {
      for (Buffers buffers : pool) {
        buffers.inflater.end();
      }
      pool.clear();
    }
  }

  /** What reading one class needs: taken from the pool, given back once the class is defined. */
  private static final class Buffers {
    final byte[] in = new byte[COMPRESSED_BUFFER];
    final byte[] out = new byte[BUFFER];
    final Inflater inflater = new Inflater(true);
  }
}
