package dev.spillway.agent.shedding;

import dev.spillway.agent.AgentLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Keeps the rules in force equal to a rule file. Checked once a second (by polling: it works on
 * every file system, container mounts and editors that replace files included), so a change
 * takes effect within about a second. A file that does not validate is refused as a whole and
 * the rules in force stay; a deleted file means no rules.
 */
public final class RuleWatcher {

  private final Path file;
  private final RuleEngine engine;
  /** The content last acted on; null when the file was absent. Only the checking thread uses it. */
  private String last;
  private boolean first = true;

  public RuleWatcher(Path file, RuleEngine engine) {
    this.file = file;
    this.engine = engine;
  }

  public Path file() {
    return file;
  }

  /** Reads the file and acts on any change since the last check. */
  public synchronized void check() {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException gone) {
      content = null;
    } catch (IOException e) {
      AgentLog.warnOnce("rules-read:" + file, "cannot read rules file " + file + ": " + e + "; rules unchanged");
      return;
    }
    boolean firstCheck = first;
    first = false;
    if (content == null) {
      if (firstCheck) {
        AgentLog.warn("rules file " + file + " does not exist: no rules until it does");
      } else if (last != null) {
        last = null;
        engine.apply(RuleSet.EMPTY);
        AgentLog.info("rules file " + file + " was deleted: no rules in force");
      }
      return;
    }
    if (content.equals(last)) {
      return;
    }
    last = content;
    try {
      RuleSet rules = RuleParser.parse(content, file.toString());
      engine.apply(rules);
      AgentLog.info("rules from " + file + ": " + describe(rules));
    } catch (RuleFileException e) {
      engine.refused(e);
    }
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
