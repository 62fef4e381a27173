package dev.spillway.agent.launch;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

  private final FileChannel channel;
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

  private ClassEntries(FileChannel channel, String prefix, String suffix, int count) {
    this.channel = channel;
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
  static ClassEntries open(Path jar, String prefix, String suffix) {
    FileChannel channel = null;
    try {
      channel = FileChannel.open(jar, StandardOpenOption.READ);
      ByteBuffer end = ByteBuffer.allocate(EOCD_SIZE).order(ByteOrder.LITTLE_ENDIAN);
      long size = channel.size();
      if (size < EOCD_SIZE || size > Integer.MAX_VALUE || readFully(channel, end, size - EOCD_SIZE) < EOCD_SIZE
          || end.getInt(0) != EOCD_SIGNATURE || end.getShort(20) != 0) {
        channel.close();
        return null;
      }
      int total = end.getShort(10) & 0xffff;
      long cenSize = end.getInt(12) & 0xffffffffL;
      long cenOffset = end.getInt(16) & 0xffffffffL;
      if (cenOffset + cenSize > size - EOCD_SIZE) {
        channel.close();
        return null;
      }
      ClassEntries entries = new ClassEntries(channel, prefix, suffix, total);
      if (!entries.index(cenOffset, cenOffset + cenSize, total)) {
        channel.close();
        return null;
      }
      return entries;
    } catch (IOException | RuntimeException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException ignored) {
          // nothing to do
        }
      }
      return null;
    }
  }

  /** Reads the central directory in chunks through one buffer: no array the size of it. */
  private boolean index(long from, long to, int total) throws IOException {
    byte[] chunk = new byte[COMPRESSED_BUFFER];
    ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    long chunkStart = from;
    int chunkLength = 0;
    long position = from;
    int count = 0;
    for (int seen = 0; seen < total; seen++) {
      if (position + CEN_SIZE > to) {
        return false;
      }
      if (position + CEN_SIZE > chunkStart + chunkLength) {
        chunkStart = position;
        chunkLength = readFully(channel, ByteBuffer.wrap(chunk), position);
      }
      int at = (int) (position - chunkStart);
      if (view.getInt(at) != CEN_SIGNATURE) {
        return false;
      }
      int method = view.getShort(at + 10) & 0xffff;
      long compressed = view.getInt(at + 20) & 0xffffffffL;
      long uncompressed = view.getInt(at + 24) & 0xffffffffL;
      int nameLength = view.getShort(at + 28) & 0xffff;
      int extraLength = view.getShort(at + 30) & 0xffff;
      int commentLength = view.getShort(at + 32) & 0xffff;
      long local = view.getInt(at + 42) & 0xffffffffL;
      int entryLength = CEN_SIZE + nameLength + extraLength + commentLength;
      if (entryLength > chunk.length) {
        return false;
      }
      if (at + CEN_SIZE + nameLength > chunkLength) {
        chunkStart = position;
        chunkLength = readFully(channel, ByteBuffer.wrap(chunk), position);
        at = 0;
        if (CEN_SIZE + nameLength > chunkLength) {
          return false;
        }
      }
      int hash = nameHash(chunk, at + CEN_SIZE, nameLength);
      if (hash != 0 && (method == STORED || method == DEFLATED) && compressed < Integer.MAX_VALUE
          && uncompressed < Integer.MAX_VALUE && local < Integer.MAX_VALUE) {
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
      position += entryLength;
    }
    return true;
  }

  /**
   * The hash of an entry name of the indexed form, or 0 for any other (another prefix or suffix, a
   * byte outside ASCII): the same as {@link #classHash} of the class it holds.
   */
  private int nameHash(byte[] name, int from, int length) {
    int start = prefix.length();
    int end = length - suffix.length();
    if (end <= start) {
      return 0;
    }
    for (int i = 0; i < start; i++) {
      if (name[from + i] != prefix.charAt(i)) {
        return 0;
      }
    }
    for (int i = 0; i < suffix.length(); i++) {
      if (name[from + end + i] != suffix.charAt(i)) {
        return 0;
      }
    }
    int hash = 1;
    for (int i = start; i < end; i++) {
      byte b = name[from + i];
      if (b < 0) {
        return 0;
      }
      hash = 31 * hash + (b == '/' ? '.' : b);
    }
    return hash == 0 ? 1 : hash;
  }

  private static int classHash(String name) {
    int hash = 1;
    for (int i = 0; i < name.length(); i++) {
      hash = 31 * hash + name.charAt(i);
    }
    return hash == 0 ? 1 : hash;
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
      ByteBuffer header = buffers.inView(LOC_SIZE + nameLength);
      if (readFully(channel, header, offsets[entry]) < LOC_SIZE + nameLength || header.getInt(0) != LOC_SIGNATURE
          || (header.getShort(26) & 0xffff) != nameLength || !isEntryOf(in, LOC_SIZE, name)) {
        return null;
      }
      long data = (long) offsets[entry] + LOC_SIZE + nameLength + (header.getShort(28) & 0xffff);
      int size = sizes[entry];
      if (methods[entry] == STORED) {
        if (size != compressedSizes[entry]) {
          return null;
        }
        byte[] out = size <= buffers.out.length ? buffers.out : new byte[size];
        ByteBuffer view = out == buffers.out ? buffers.outView(size) : ByteBuffer.wrap(out);
        return readFully(channel, view, data) == size ? out : null;
      }
      int compressed = compressedSizes[entry];
      byte[] source = compressed <= in.length ? in : new byte[compressed];
      ByteBuffer view = source == in ? buffers.inView(compressed) : ByteBuffer.wrap(source);
      if (readFully(channel, view, data) < compressed) {
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
      if (bytes[at++] != (c == '.' ? '/' : c)) {
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

  private static int readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
    int start = into.position();
    while (into.hasRemaining()) {
      int n = channel.read(into, position + into.position() - start);
      if (n < 0) {
        break;
      }
    }
    return into.position() - start;
  }

  @Override
  public void close() throws IOException {
    channel.close();
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
    private final ByteBuffer inView = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
    private final ByteBuffer outView = ByteBuffer.wrap(out);

    /** {@link #in}'s first {@code length} bytes, to read into. */
    ByteBuffer inView(int length) {
      inView.clear().limit(length);
      return inView;
    }

    ByteBuffer outView(int length) {
      outView.clear().limit(length);
      return outView;
    }
  }
}
