package dev.spillway.agent.shedding;

import dev.spillway.agent.AgentLog;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Keeps the rules in force equal to a rule file. Checked once a second (by polling: it works on
 * every file system, container mounts and editors that replace files included), on a thread of
 * its own, so that a slow file system delays rule changes and nothing else.
 *
 * <p>A change is acted on only once the file has stayed the same for {@link #SETTLE} (two checks
 * in a row), so that a file being written in steps (an editor, a {@code >} redirect, a copy) is
 * never applied half-written: a change takes effect within about two seconds. An empty or
 * comment-only file never removes rules in force (it is what a truncating write looks like
 * between its two steps); {@code rules: []} does. A file that does not validate is refused as a
 * whole and the rules in force stay; a file that stays deleted means no rules. The first check
 * acts at once: there are no rules in force yet to protect.
 */
public final class RuleWatcher {

  /** How long a changed file must stay unchanged before it is acted on. */
  public static final Duration SETTLE = Duration.ofSeconds(1);

  /** What a check saw: the text, or that the file was absent, or why it could not be used. */
  private static final class Snapshot {
    final String content;
    final RuleFileException refused;

    Snapshot(String content, RuleFileException refused) {
      this.content = content;
      this.refused = refused;
    }

    boolean absent() {
      return content == null && refused == null;
    }

    boolean sameAs(Snapshot other) {
      return other != null && Objects.equals(content, other.content)
          && Objects.equals(refused == null ? null : refused.getMessage(),
              other.refused == null ? null : other.refused.getMessage());
    }
  }

  private final Path file;
  private final RuleEngine engine;
  private final LongSupplier nanoClock;
  /** The snapshot last acted on; null before the first check. Only the checking thread uses these. */
  private Snapshot last;
  /** A change seen but not yet acted on, and since when it has stayed the same. */
  private Snapshot pending;
  private long pendingSince;

  public RuleWatcher(Path file, RuleEngine engine) {
    this(file, engine, System::nanoTime);
  }

  RuleWatcher(Path file, RuleEngine engine, LongSupplier nanoClock) {
    this.file = file;
    this.engine = engine;
    this.nanoClock = nanoClock;
  }

  public Path file() {
    return file;
  }

  /** Reads the file and acts on a change that has settled. Never throws. */
  public synchronized void check() {
    Snapshot now;
    try {
      now = read();
    } catch (IOException e) {
      AgentLog.warnOnce("rules-read:" + file, "cannot read rules file " + file + ": " + e + "; rules unchanged");
      return;
    }
    AgentLog.clearOnce("rules-read:" + file);
    if (last == null) {
      act(now, true);
      return;
    }
    if (now.sameAs(last)) {
      pending = null;
      return;
    }
    long time = nanoClock.getAsLong();
    if (!now.sameAs(pending)) {
      pending = now;
      pendingSince = time;
      return;
    }
    if (time - pendingSince >= SETTLE.toNanos()) {
      pending = null;
      act(now, false);
    }
  }

  private Snapshot read() throws IOException {
    try {
      return new Snapshot(RuleLimits.read(file), null);
    } catch (NoSuchFileException gone) {
      return new Snapshot(null, null);
    } catch (RuleFileException refused) {
      return new Snapshot(null, refused);
    }
  }

  private void act(Snapshot now, boolean firstCheck) {
    Snapshot previous = last;
    last = now;
    if (now.absent()) {
      if (firstCheck) {
        AgentLog.warn("rules file " + file + " does not exist: no rules until it does");
      } else if (!previous.absent()) {
        engine.apply(RuleSet.EMPTY);
        AgentLog.info("rules file " + file + " was deleted: no rules in force");
      }
      return;
    }
    if (now.refused != null) {
      engine.refused(now.refused);
      return;
    }
    RuleSet rules;
    try {
      rules = RuleParser.parse(now.content, file.toString());
    } catch (RuleFileException e) {
      engine.refused(e);
      return;
    } catch (Throwable t) {
      // Not expected within the limits; still never the agent's end, nor the watcher's.
      engine.refused(new RuleFileException(file.toString(), 1, 1, "could not be read: " + t));
      return;
    }
    if (rules.isEmpty() && !rules.explicit() && !engine.rules().isEmpty()) {
      int count = engine.rules().rules().size();
      AgentLog.warn("rules file " + file + " is empty or only comments: keeping the " + count
          + (count == 1 ? " rule" : " rules") + " in force (write 'rules: []' to remove them)");
      return;
    }
    engine.apply(rules);
    AgentLog.info("rules from " + file + ": " + describe(rules));
  }

  static String describe(RuleSet rules) {
    if (rules.isEmpty()) {
      return "none";
    }
    StringBuilder names = new StringBuilder();
    for (Rule rule : rules.rules()) {
      names.append(names.length() == 0 ? "" : ", ").append(rule.name())
          .append(rule.mode() == Mode.DRY_RUN ? " (dry-run)" : "");
    }
    return rules.rules().size() + (rules.rules().size() == 1 ? " rule: " : " rules: ") + names;
  }
}
