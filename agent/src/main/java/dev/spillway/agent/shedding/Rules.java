package dev.spillway.agent.shedding;

import dev.spillway.agent.AgentLog;
import dev.spillway.agent.util.Printable;
import java.util.ArrayList;
import java.util.List;

/** The {@link RulesMBean} over the engine. */
public final class Rules implements RulesMBean {

  public static final String OBJECT_NAME = "dev.spillway:type=Rules";

  private final RuleEngine engine;

  public Rules(RuleEngine engine) {
    this.engine = engine;
  }

  @Override
  public String getRules() {
    return engine.rules().toYaml();
  }

  @Override
  public String getSource() {
    return engine.rules().source();
  }

  @Override
  public String[] getActiveRules() {
    List<String> names = new ArrayList<>(engine.activeRules());
    names.sort(null);
    return names.toArray(new String[0]);
  }

  @Override
  public void apply(String yaml, String source) {
    String name = source == null || source.isBlank() ? "jmx" : Printable.clip(source, 300);
    RuleSet rules;
    try {
      rules = RuleParser.parse(yaml == null ? "" : yaml, name);
    } catch (RuleFileException e) {
      engine.refused(e);
      // Only JDK types cross JMX: the client may not have our classes.
      throw new IllegalArgumentException(e.getMessage());
    } catch (Throwable t) {
      // Not expected within the limits; the caller still gets one line, never our stack.
      RuleFileException e = new RuleFileException(name, 1, 1, "could not be read: " + t);
      engine.refused(e);
      throw new IllegalArgumentException(e.getMessage());
    }
    engine.apply(rules);
    AgentLog.info("rules from " + name + " (over JMX): " + RuleWatcher.describe(rules));
  }

  @Override
  public void clear() {
    engine.apply(new RuleSet(List.of(), "jmx"));
    AgentLog.info("rules cleared over JMX: no rules in force");
  }
}
