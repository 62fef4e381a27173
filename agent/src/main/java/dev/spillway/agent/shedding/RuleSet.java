package dev.spillway.agent.shedding;

import java.util.List;

/** The rules in force, with where they came from. Immutable; replaced as a whole on reload. */
public final class RuleSet {

  public static final RuleSet EMPTY = new RuleSet(List.of(), "none");

  private final List<Rule> rules;
  private final String source;
  private final boolean explicit;

  public RuleSet(List<Rule> rules, String source) {
    this(rules, source, true);
  }

  RuleSet(List<Rule> rules, String source, boolean explicit) {
    this.rules = List.copyOf(rules);
    this.source = source;
    this.explicit = explicit;
  }

  public List<Rule> rules() {
    return rules;
  }

  /** A file path, "jmx", or "none". */
  public String source() {
    return source;
  }

  /**
   * False for a text that says nothing: empty, only comments, or {@code rules:} with nothing after
   * it, which is also what a file looks like while it is being written. {@code rules: []} is
   * explicit.
   */
  public boolean explicit() {
    return explicit;
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** The rules as a rule file: what {@code rules show} prints and {@code RuleParser} reads back. */
  public String toYaml() {
    if (rules.isEmpty()) {
      return "rules: []\n";
    }
    StringBuilder yaml = new StringBuilder("rules:\n");
    for (Rule rule : rules) {
      yaml.append("  - name: ").append(rule.name()).append('\n');
      yaml.append("    target: ").append(rule.target().value()).append('\n');
      yaml.append("    match: \"").append(rule.match()).append("\"\n");
      yaml.append("    when:\n");
      for (Condition condition : rule.when()) {
        String value = condition instanceof Threshold ? "\"" + condition.describe() + "\"" : condition.describe();
        yaml.append("      ").append(condition.key()).append(": ").append(value).append('\n');
      }
      yaml.append("    action: ").append(rule.action().value()).append('\n');
      yaml.append("    mode: ").append(rule.mode().value()).append('\n');
    }
    return yaml.toString();
  }
}
