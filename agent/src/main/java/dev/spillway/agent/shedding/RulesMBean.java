package dev.spillway.agent.shedding;

/**
 * The shedding rules over JMX, as {@code dev.spillway:type=Rules}: read them, replace them,
 * clear them, in a running JVM. JConsole and VisualVM show it; the command line uses it.
 */
public interface RulesMBean {

  /** The rules in force, as a rule file. */
  String getRules();

  /** Where they came from: a file path, "jmx", or "none". */
  String getSource();

  /** Names of the rules shedding on some target now. */
  String[] getActiveRules();

  /**
   * Validates {@code yaml} and puts it in force, or refuses it as a whole with an
   * {@link IllegalArgumentException} saying {@code source:line:column: reason}; then the rules in
   * force stay. {@code source} names the text in messages (the CLI passes the file name).
   */
  void apply(String yaml, String source);

  /** Removes all rules. */
  void clear();
}
