package dev.spillway.agent.shedding;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The bounds every rule text must keep, checked before any YAML is read, so that no file, however
 * hostile, costs more than a bounded time and memory to refuse (a 200 MB file would otherwise fill
 * the application's heap, one 5 MB line keeps the YAML reader busy for a minute, and 20 000 nested
 * brackets overflow the stack of the recursive tree builder).
 *
 * <p>Size and line length are checked on the raw text; nesting depth on the YAML event stream,
 * which the parser produces without recursion, before the (recursive) tree is built; the number of
 * rules and the length of names while reading the rules. Real rule files are a few kilobytes.
 */
public final class RuleLimits {

  /** The largest rule file, in bytes (UTF-8). */
  public static final int MAX_BYTES = 256 * 1024;
  /** The longest line, in characters. */
  public static final int MAX_LINE = 1000;
  /** The deepest nesting of mappings and lists (a rule file needs five). */
  public static final int MAX_DEPTH = 16;
  /** The most rules in one file. */
  public static final int MAX_RULES = 200;
  /** The longest rule name, in characters. */
  public static final int MAX_NAME = 64;

  private RuleLimits() {}

  /**
   * Reads a rule file as UTF-8, refusing a file over {@link #MAX_BYTES} without reading it (and one
   * that grows past it while being read) and bytes that are not UTF-8, with their line.
   */
  public static String read(Path file) throws IOException, RuleFileException {
    String source = file.toString();
    if (Files.exists(file) && !Files.isRegularFile(file)) {
      // A directory, a FIFO (whose opening blocks until someone writes), a device: never opened.
      throw new RuleFileException(source, 1, 1, "not a regular file");
    }
    long size = Files.size(file);
    if (size > MAX_BYTES) {
      throw tooLarge(source, size);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    }
    if (bytes.length > MAX_BYTES) {
      throw tooLarge(source, bytes.length);
    }
    return decode(bytes, source);
  }

  /** Checks the size and line length of {@code text}, which came as a string (JMX, tests). */
  static void checkText(String text, String source) throws RuleFileException {
    // A char is at most 3 UTF-8 bytes: only a string that might be too large is encoded.
    if (text.length() > MAX_BYTES / 3) {
      long bytes = utf8Length(text);
      if (bytes > MAX_BYTES) {
        throw tooLarge(source, bytes);
      }
    }
    int line = 1;
    int lineStart = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '\n') {
        int length = i - lineStart - (i > lineStart && text.charAt(i - 1) == '\r' ? 1 : 0);
        if (length > MAX_LINE) {
          throw new RuleFileException(source, line, MAX_LINE + 1,
              "line " + line + " is " + length + " characters long, more than the limit of " + MAX_LINE);
        }
        line++;
        lineStart = i + 1;
      }
    }
  }

  private static RuleFileException tooLarge(String source, long bytes) {
    return new RuleFileException(source, 1, 1, "the file is " + bytes + " bytes, more than the limit of "
        + MAX_BYTES + " (" + MAX_BYTES / 1024 + " KiB)");
  }

  private static String decode(byte[] bytes, String source) throws RuleFileException {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    if (result.isError()) {
      int bad = in.position();
      int line = 1;
      int lineStart = 0;
      for (int i = 0; i < bad; i++) {
        if (bytes[i] == '\n') {
          line++;
          lineStart = i + 1;
        }
      }
      throw new RuleFileException(source, line, bad - lineStart + 1,
          String.format("not UTF-8 text (byte 0x%02x)", bytes[bad] & 0xff));
    }
    out.flip();
    return out.toString();
  }

  private static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }
}
