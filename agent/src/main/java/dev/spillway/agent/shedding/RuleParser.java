package dev.spillway.agent.shedding;

import dev.spillway.agent.config.Durations;
import dev.spillway.agent.shedding.Threshold.Op;
import dev.spillway.agent.shedding.Threshold.Signal;
import dev.spillway.agent.util.Glob;
import dev.spillway.agent.util.Printable;
import dev.spillway.agent.util.Suggestions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.lowlevel.Parse;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a rule file. The file is accepted or refused as a whole: the first problem (unknown key,
 * bad number, bad duration, unknown target, duplicate name, a condition that does not fit the
 * target) becomes a {@link RuleFileException} with its line and column. The bounds of
 * {@link RuleLimits} are checked first, so that refusing any text takes a bounded time.
 *
 * <pre>
 * rules:
 *   - name: orders-backlog
 *     target: executor            # executor | queue | pool
 *     match: "orders*"            # glob on the target's name; default "*"
 *     when:                       # all must hold
 *       queue.utilization: "&gt;= 0.8"
 *       wait: { target: 5ms, interval: 100ms }
 *     action: reject              # reject (default) | handler (executors)
 *     mode: enforce               # enforce (default) | dry-run
 * </pre>
 */
public final class RuleParser {

  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.:-]*");
  private static final Pattern COMPARISON = Pattern.compile("\\s*(>=|<=|==|>|<)?\\s*([-+]?[0-9]*\\.?[0-9]+)\\s*(%)?\\s*");
  private static final List<String> RULE_KEYS = List.of("name", "target", "match", "when", "action", "mode");
  private static final List<String> WAIT_KEYS = List.of("target", "interval");
  private static final Map<TargetKind, List<String>> CONDITIONS = Map.of(
      TargetKind.EXECUTOR, List.of("queue.size", "queue.utilization", "wait"),
      TargetKind.QUEUE, List.of("queue.size", "queue.utilization", "wait"),
      TargetKind.POOL, List.of("pending", "wait"));

  private final String source;

  private RuleParser(String source) {
    this.source = source;
  }

  /** Parses and validates {@code yaml}; {@code source} names it in messages (a path, "jmx"). */
  public static RuleSet parse(String yaml, String source) throws RuleFileException {
    return new RuleParser(source).parse(yaml);
  }

  private RuleSet parse(String yaml) throws RuleFileException {
    RuleLimits.checkText(yaml, source);
    LoadSettings settings = LoadSettings.builder().setLabel(source)
        .setCodePointLimit(RuleLimits.MAX_BYTES)
        .setMaxAliasesForCollections(RuleLimits.MAX_RULES)
        .build();
    Optional<Node> root;
    try {
      checkDepth(new Parse(settings).parseString(yaml));
      root = new Compose(settings).composeString(yaml);
    } catch (MarkedYamlEngineException e) {
      Mark mark = e.getProblemMark().orElse(e.getContextMark().orElse(null));
      throw new RuleFileException(source, mark == null ? 1 : mark.getLine() + 1,
          mark == null ? 1 : mark.getColumn() + 1, "not valid YAML: " + e.getProblem());
    } catch (YamlEngineException e) {
      throw new RuleFileException(source, 1, 1, "not valid YAML: " + e.getMessage());
    }
    if (root.isEmpty() || isNull(root.get())) {
      return new RuleSet(List.of(), source, false);
    }
    return rules(root.get());
  }

  /**
   * Refuses nesting deeper than {@link RuleLimits#MAX_DEPTH}, on the parser's events: the parser
   * keeps its state in a list, while the tree builder recurses once per level.
   */
  private void checkDepth(Iterable<Event> events) throws RuleFileException {
    int depth = 0;
    for (Event event : events) {
      switch (event.getEventId()) {
        case MappingStart:
        case SequenceStart:
          depth++;
          if (depth > RuleLimits.MAX_DEPTH) {
            Mark mark = event.getStartMark().orElse(null);
            throw new RuleFileException(source, mark == null ? 1 : mark.getLine() + 1,
                mark == null ? 1 : mark.getColumn() + 1,
                "nested more than " + RuleLimits.MAX_DEPTH + " levels deep (a rule file needs five)");
          }
          break;
        case MappingEnd:
        case SequenceEnd:
          depth--;
          break;
        default:
          break;
      }
    }
  }

  private RuleSet rules(Node root) throws RuleFileException {
    Map<String, NodeTuple> top = mapping(root, "a rule file is a mapping with a 'rules' list", List.of("rules"), "the file");
    NodeTuple rulesEntry = top.get("rules");
    if (rulesEntry == null || isNull(rulesEntry.getValueNode())) {
      return new RuleSet(List.of(), source, false);
    }
    Node list = rulesEntry.getValueNode();
    if (!(list instanceof SequenceNode)) {
      throw error(list, "'rules' must be a list of rules (each starting with '- name: ...')");
    }
    List<Node> items = ((SequenceNode) list).getValue();
    if (items.size() > RuleLimits.MAX_RULES) {
      throw error(items.get(RuleLimits.MAX_RULES), "more than " + RuleLimits.MAX_RULES + " rules (" + items.size()
          + "); the limit is " + RuleLimits.MAX_RULES);
    }
    List<Rule> rules = new ArrayList<>();
    Map<String, Node> names = new HashMap<>();
    for (Node item : items) {
      Rule rule = rule(item);
      Node previous = names.putIfAbsent(rule.name(), item);
      if (previous != null) {
        throw error(item, "duplicate rule name '" + rule.name() + "' (first at line " + line(previous) + ")");
      }
      rules.add(rule);
    }
    return new RuleSet(rules, source);
  }

  private Rule rule(Node node) throws RuleFileException {
    Map<String, NodeTuple> fields = mapping(node, "a rule is a mapping (name, target, match, when, action, mode)",
        RULE_KEYS, "a rule");
    String name = text(required(fields, node, "name"));
    if (name.length() > RuleLimits.MAX_NAME) {
      throw error(fields.get("name").getValueNode(),
          "rule name " + quote(name) + " is longer than " + RuleLimits.MAX_NAME + " characters");
    }
    if (!NAME.matcher(name).matches()) {
      throw error(fields.get("name").getValueNode(),
          "rule name " + quote(name) + " must be letters, digits, '.', '_', ':' or '-'");
    }
    TargetKind target = choice(required(fields, node, "target"), "target", TargetKind.values());
    Glob match = fields.containsKey("match") ? Glob.of(text(fields.get("match").getValueNode())) : Glob.of("*");
    List<Condition> when = conditions(required(fields, node, "when"), target, name);
    Action action = fields.containsKey("action")
        ? choice(fields.get("action").getValueNode(), "action", Action.values()) : Action.REJECT;
    if (action == Action.HANDLER && target != TargetKind.EXECUTOR) {
      throw error(fields.get("action").getValueNode(),
          "action 'handler' is for executors only (" + withArticle(target.value()) + " has no rejection handler)");
    }
    Mode mode = fields.containsKey("mode") ? mode(fields.get("mode").getValueNode()) : Mode.ENFORCE;
    return new Rule(name, target, match, when, action, mode);
  }

  private List<Condition> conditions(Node node, TargetKind target, String rule) throws RuleFileException {
    List<String> allowed = CONDITIONS.get(target);
    Map<String, NodeTuple> entries = mapping(node, "'when' is a mapping of conditions, such as queue.utilization: \">= 0.8\"",
        allowed, "'when' of " + withArticle(target.value() + " rule"));
    if (entries.isEmpty()) {
      throw error(node, "rule '" + rule + "' has no condition under 'when'");
    }
    List<Condition> conditions = new ArrayList<>();
    for (Map.Entry<String, NodeTuple> entry : entries.entrySet()) {
      Node value = entry.getValue().getValueNode();
      switch (entry.getKey()) {
        case "queue.size":
          conditions.add(threshold(value, Signal.QUEUE_SIZE));
          break;
        case "queue.utilization":
          conditions.add(threshold(value, Signal.QUEUE_UTILIZATION));
          break;
        case "pending":
          conditions.add(threshold(value, Signal.PENDING));
          break;
        default:
          conditions.add(waitCondition(value));
      }
    }
    return conditions;
  }

  private Threshold threshold(Node node, Signal signal) throws RuleFileException {
    String raw = text(node);
    Matcher m = COMPARISON.matcher(raw);
    if (!m.matches()) {
      throw error(node, "bad number in " + signal.key + ": " + quote(raw) + " (write it like \">= 0.8\" or \"> 100\")");
    }
    Op op = m.group(1) == null ? Op.GE : opOf(m.group(1));
    double value = Double.parseDouble(m.group(2));
    boolean percent = m.group(3) != null;
    if (signal == Signal.QUEUE_UTILIZATION) {
      value = percent ? value / 100 : value;
      if (value < 0 || value > 1) {
        throw error(node, "queue.utilization is between 0 and 1 (or 0% and 100%), got " + quote(raw));
      }
    } else if (percent || value < 0 || value != Math.rint(value)) {
      throw error(node, signal.key + " counts items: a whole number of 0 or more, got " + quote(raw));
    }
    return new Threshold(signal, op, value);
  }

  private WaitCondition waitCondition(Node node) throws RuleFileException {
    if (node instanceof ScalarNode) {
      return new WaitCondition(duration(node, "wait"), WaitCondition.DEFAULT_INTERVAL);
    }
    Map<String, NodeTuple> fields = mapping(node, "'wait' is a duration (5ms) or { target: 5ms, interval: 100ms }",
        WAIT_KEYS, "'wait'");
    Duration target = duration(required(fields, node, "target"), "wait target");
    Duration interval = fields.containsKey("interval")
        ? duration(fields.get("interval").getValueNode(), "wait interval") : WaitCondition.DEFAULT_INTERVAL;
    return new WaitCondition(target, interval);
  }

  private Duration duration(Node node, String what) throws RuleFileException {
    String raw = text(node);
    try {
      Duration value = Durations.parse(raw);
      if (value.isZero() || value.isNegative()) {
        throw error(node, "bad duration in " + what + ": " + quote(raw) + " must be more than 0");
      }
      return value;
    } catch (IllegalArgumentException e) {
      throw error(node, "bad duration in " + what + ": " + quote(raw) + " is " + e.getMessage());
    }
  }

  private Mode mode(Node node) throws RuleFileException {
    String raw = text(node).trim().toLowerCase(Locale.ROOT);
    for (Mode mode : Mode.values()) {
      if (mode.value().equals(raw)) {
        return mode;
      }
    }
    throw error(node, "unknown mode " + quote(text(node)) + " (expected enforce or dry-run)");
  }

  private <E extends Enum<E>> E choice(Node node, String what, E[] values) throws RuleFileException {
    String raw = text(node).trim().toLowerCase(Locale.ROOT);
    List<String> names = new ArrayList<>();
    for (E value : values) {
      String name = value.name().toLowerCase(Locale.ROOT).replace('_', '-');
      if (name.equals(raw)) {
        return value;
      }
      names.add(name);
    }
    throw error(node, "unknown " + what + " " + quote(text(node)) + " (expected " + String.join(", ", names) + ")");
  }

  private static Op opOf(String symbol) {
    for (Op op : Op.values()) {
      if (op.symbol.equals(symbol)) {
        return op;
      }
    }
    throw new IllegalStateException(symbol);
  }

  /** The entries of a mapping node by key, refusing unknown and duplicate keys. */
  private Map<String, NodeTuple> mapping(Node node, String expected, List<String> keys, String where)
      throws RuleFileException {
    if (!(node instanceof MappingNode)) {
      throw error(node, expected);
    }
    Map<String, NodeTuple> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : ((MappingNode) node).getValue()) {
      Node keyNode = tuple.getKeyNode();
      String key = text(keyNode);
      if (!keys.contains(key)) {
        throw error(keyNode, "unknown key " + quote(key) + " in " + where + suggestion(key, keys)
            + " (expected " + String.join(", ", keys) + ")");
      }
      if (entries.putIfAbsent(key, tuple) != null) {
        throw error(keyNode, "duplicate key " + quote(key) + " in " + where);
      }
    }
    return entries;
  }

  private Node required(Map<String, NodeTuple> fields, Node owner, String key) throws RuleFileException {
    NodeTuple tuple = fields.get(key);
    if (tuple == null || isNull(tuple.getValueNode())) {
      throw error(owner, "rule has no '" + key + "'");
    }
    return tuple.getValueNode();
  }

  private String text(Node node) throws RuleFileException {
    if (!(node instanceof ScalarNode)) {
      throw error(node, "expected a single value here, not a list or mapping");
    }
    return ((ScalarNode) node).getValue();
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode && "tag:yaml.org,2002:null".equals(node.getTag().getValue());
  }

  private RuleFileException error(Node node, String reason) {
    Mark mark = node.getStartMark().orElse(null);
    return new RuleFileException(source, mark == null ? 1 : mark.getLine() + 1,
        mark == null ? 1 : mark.getColumn() + 1, reason);
  }

  /** Text from the file, quoted for a message: control characters escaped, long text cut. */
  private static String quote(String raw) {
    return "'" + Printable.clip(raw, 80) + "'";
  }

  private static int line(Node node) {
    return node.getStartMark().map(m -> m.getLine() + 1).orElse(0);
  }

  private static String suggestion(String key, List<String> keys) {
    String closest = Suggestions.closest(key, keys);
    return closest == null ? "" : " (did you mean '" + closest + "'?)";
  }

  /** "an executor rule", "a queue rule". */
  private static String withArticle(String noun) {
    return ("aeiou".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
  }
}
