package dev.spillway.agent.control;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The control channel's framing: length-prefixed UTF-8 strings and longs, one request and one
 * answer per connection. Bounded on read, so that no client can make the agent allocate more than
 * {@link #MAX_STRING} per string.
 */
final class Wire {

  /** Sent first by the client: what protocol it speaks. */
  static final int MAGIC = 0x53504c31; // "SPL1"
  /** Room for the largest rule file (see RuleLimits) four times over; a status row is several strings. */
  static final int MAX_STRING = 1024 * 1024;
  static final int MAX_ARGS = 4;

  static final byte OK = 0;
  /** The operation refused its input: the message is for the user (a rule file's error). */
  static final byte REFUSED = 1;
  /** Anything else that went wrong, in one line. */
  static final byte FAILED = 2;

  private Wire() {}

  static void writeString(DataOutputStream out, String value) throws IOException {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  static String readString(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > MAX_STRING) {
      throw new IOException("a string of " + length + " bytes (at most " + MAX_STRING + ")");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
