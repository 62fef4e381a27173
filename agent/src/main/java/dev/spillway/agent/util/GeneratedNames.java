package dev.spillway.agent.util;

import java.util.regex.Pattern;

/**
 * Whether a value that a name would come from looks generated, and so changes from one run to the
 * next: a UUID (Spring Boot's embedded database name), a long run of hex digits (a random token,
 * an identity hash), a token that mixes letters and digits the way random ones do (c3p0's identity
 * token), a number of seven digits or more (an identity hash: Jetty's {@code qtp1365202186} and
 * {@code Scheduler-1403649277}; a timestamp), or a loopback port in
 * the ephemeral range (a test container, a server started on port 0). A name built from such a
 * value breaks dashboards and rule globs at every restart, so naming skips to its next rule.
 *
 * <p>Deliberately conservative: words, versions, ordinary ports and short numbers pass
 * ({@code orders-db}, {@code db.internal:5432/orders}, {@code worker-7}).
 */
public final class GeneratedNames {

  private static final Pattern UUID =
      Pattern.compile("(?i).*[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}.*");
  /** 16 or more hex digits in a row, with at least one digit: a random or hashed token. */
  private static final Pattern HEX_RUN = Pattern.compile("(?i).*(?<![0-9a-z])(?=[a-f]*\\d)[0-9a-f]{16,}(?![0-9a-z]).*");
  /** A word of letters and digits that switches between them this often is a random token. */
  private static final int RANDOM_SWITCHES = 6;
  /**
   * Seven digits or more in a row: an identity hash, alone or after letters ({@code qtp1365202186},
   * {@code Scheduler-1403649277}), or a timestamp. No port, version or counter is that long.
   */
  private static final Pattern LONG_NUMBER = Pattern.compile("\\d{7}");
  private static final Pattern LOOPBACK_PORT =
      Pattern.compile("(?i)(?:.*[/@(]|^)(localhost|127\\.\\d+\\.\\d+\\.\\d+|\\[::1\\]):(\\d{5})(?!\\d).*");
  /** The JDK's ephemeral port range starts here on Linux (32768-60999) and Windows (49152-65535). */
  private static final int EPHEMERAL_START = 32768;

  private GeneratedNames() {}

  /** True when {@code value} carries a part that changes from run to run. */
  public static boolean looksGenerated(String value) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    return UUID.matcher(value).matches()
        || HEX_RUN.matcher(value).matches()
        || hasRandomToken(value)
        || LONG_NUMBER.matcher(value).find()
        || randomLoopbackPort(value);
  }

  /** A word that switches between letters and digits often ({@code 1hge1ftbb1a2p9w51gj5lqz}). */
  private static boolean hasRandomToken(String value) {
    int switches = 0;
    int kind = 0; // 0: outside a word, 1: letter, 2: digit
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      int now = c < 128 && Character.isLetter(c) ? 1 : c >= '0' && c <= '9' ? 2 : 0;
      if (now == 0) {
        switches = 0;
      } else if (kind != 0 && now != kind && ++switches >= RANDOM_SWITCHES) {
        return true;
      }
      kind = now;
    }
    return false;
  }

  private static boolean randomLoopbackPort(String value) {
    var matcher = LOOPBACK_PORT.matcher(value);
    return matcher.matches() && Integer.parseInt(matcher.group(2)) >= EPHEMERAL_START;
  }
}
