package dev.spillway.agent.shedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RuleParserTest {

  /** The shape operators copy from the README; it must work exactly as written. */
  static final String README_EXAMPLE = String.join("\n",
      "rules:",
      "  - name: orders-backlog",
      "    target: executor            # executor | queue | pool",
      "    match: \"orders*\"            # glob on jvm.executor.name / jvm.queue.name / pool name",
      "    when:",
      "      queue.utilization: \">= 0.8\"   # or queue.size, wait (see below), pending (pools)",
      "    action: reject              # reject | handler (executors: pass to the pool's own handler)",
      "    mode: enforce               # enforce | dry-run (count what would be shed, shed nothing)",
      "");

  @Test
  void readsTheDocumentedExampleExactlyAsWritten() throws Exception {
    RuleSet rules = RuleParser.parse(README_EXAMPLE, "rules.yaml");
    assertThat(rules.rules()).hasSize(1);
    Rule rule = rules.rules().get(0);
    assertThat(rule.name()).isEqualTo("orders-backlog");
    assertThat(rule.target()).isEqualTo(TargetKind.EXECUTOR);
    assertThat(rule.applies(TargetKind.EXECUTOR, "orders-worker")).isTrue();
    assertThat(rule.applies(TargetKind.EXECUTOR, "payments")).isFalse();
    assertThat(rule.applies(TargetKind.QUEUE, "orders")).isFalse();
    assertThat(rule.action()).isEqualTo(Action.REJECT);
    assertThat(rule.mode()).isEqualTo(Mode.ENFORCE);
    Threshold utilization = (Threshold) rule.when().get(0);
    assertThat(utilization.key()).isEqualTo("queue.utilization");
    assertThat(utilization.test(0.8)).isTrue();
    assertThat(utilization.test(0.79)).isFalse();
  }

  @Test
  void readsWaitInBothSpellingsAndDefaultsTheRest() throws Exception {
    RuleSet rules = RuleParser.parse(String.join("\n",
        "rules:",
        "  - name: a",
        "    target: executor",
        "    when:",
        "      wait: { target: 5ms, interval: 250ms }",
        "  - name: b",
        "    target: pool",
        "    when:",
        "      wait: 20ms",
        "      pending: 10",
        "    mode: dry-run"), "f");
    Rule a = rules.rules().get(0);
    WaitCondition wait = (WaitCondition) a.when().get(0);
    assertThat(wait.target()).isEqualTo(Duration.ofMillis(5));
    assertThat(wait.interval()).isEqualTo(Duration.ofMillis(250));
    assertThat(a.applies(TargetKind.EXECUTOR, "anything")).isTrue();
    assertThat(a.action()).isEqualTo(Action.REJECT);
    Rule b = rules.rules().get(1);
    assertThat(((WaitCondition) b.when().get(0)).interval()).isEqualTo(WaitCondition.DEFAULT_INTERVAL);
    Threshold pending = (Threshold) b.when().get(1);
    assertThat(pending.test(10)).isTrue();
    assertThat(pending.test(9)).isFalse();
    assertThat(b.mode()).isEqualTo(Mode.DRY_RUN);
  }

  @Test
  void readsComparisonsAndPercentages() throws Exception {
    RuleSet rules = RuleParser.parse(String.join("\n",
        "rules:",
        "  - name: a",
        "    target: queue",
        "    when:",
        "      queue.utilization: \"90%\"",
        "      queue.size: \"> 100\""), "f");
    Threshold utilization = (Threshold) rules.rules().get(0).when().get(0);
    Threshold size = (Threshold) rules.rules().get(0).when().get(1);
    assertThat(utilization.test(0.9)).isTrue();
    assertThat(utilization.test(0.89)).isFalse();
    assertThat(size.test(100)).isFalse();
    assertThat(size.test(101)).isTrue();
  }

  @Test
  void emptyFilesAndEmptyListsMeanNoRules() throws Exception {
    assertThat(RuleParser.parse("", "f").rules()).isEmpty();
    assertThat(RuleParser.parse("# nothing yet\n", "f").rules()).isEmpty();
    assertThat(RuleParser.parse("rules: []\n", "f").rules()).isEmpty();
    assertThat(RuleParser.parse("rules:\n", "f").rules()).isEmpty();
  }

  @Test
  void writesRulesBackAsAFileThatReadsTheSame() throws Exception {
    RuleSet original = RuleParser.parse(String.join("\n",
        "rules:",
        "  - name: a",
        "    target: executor",
        "    match: \"orders*\"",
        "    when:",
        "      queue.size: \"> 5\"",
        "      wait: { target: 5ms, interval: 100ms }",
        "    action: handler",
        "    mode: dry-run"), "f");
    RuleSet again = RuleParser.parse(original.toYaml(), "again");
    assertThat(again.toYaml()).isEqualTo(original.toYaml());
    assertThat(again.rules().get(0).action()).isEqualTo(Action.HANDLER);
    assertThat(again.rules().get(0).when()).hasSize(2);
  }

  @Test
  void refusesUnknownKeyWithPositionAndSuggestion() {
    assertRefused(String.join("\n",
        "rules:",
        "  - name: a",
        "    target: executor",
        "    when:",
        "      queue.utilisation: \">= 0.8\""),
        "f:5:7: unknown key 'queue.utilisation' in 'when' of an executor rule (did you mean 'queue.utilization'?)");
    assertRefused(String.join("\n",
        "rules:",
        "  - name: a",
        "    targt: executor"),
        "f:3:5: unknown key 'targt' in a rule (did you mean 'target'?)");
    assertRefused("rulez: []\n", "f:1:1: unknown key 'rulez' in the file (did you mean 'rules'?)");
  }

  @Test
  void refusesBadNumbersAndDurations() {
    assertRefused(rule("executor", "queue.utilization: \">= lots\""), "f:5:26: bad number in queue.utilization");
    assertRefused(rule("executor", "queue.utilization: 1.5"), "f:5:26: queue.utilization is between 0 and 1");
    assertRefused(rule("executor", "queue.size: 2.5"), "f:5:19: queue.size counts items");
    assertRefused(rule("executor", "wait: 5"), "f:5:13: bad duration in wait: '5' is unknown or missing unit");
    assertRefused(rule("executor", "wait: { target: 5ms, interval: soon }"),
        "f:5:38: bad duration in wait interval: 'soon' is not a duration");
    assertRefused(rule("executor", "wait: 0ms"), "f:5:13: bad duration in wait: '0ms' must be more than 0");
  }

  @Test
  void refusesUnknownTargetsActionsAndModes() {
    assertRefused(String.join("\n", "rules:", "  - name: a", "    target: executr", "    when: { queue.size: 1 }"),
        "f:3:13: unknown target 'executr' (expected executor, queue, pool)");
    assertRefused(String.join("\n", "rules:", "  - name: a", "    target: queue", "    when: { queue.size: 1 }",
        "    action: handler"), "f:5:13: action 'handler' is for executors only");
    assertRefused(String.join("\n", "rules:", "  - name: a", "    target: queue", "    when: { queue.size: 1 }",
        "    mode: maybe"), "f:5:11: unknown mode 'maybe' (expected enforce or dry-run)");
  }

  @Test
  void refusesConditionsThatDoNotFitTheTarget() {
    assertRefused(rule("executor", "pending: 3"), "f:5:7: unknown key 'pending' in 'when' of an executor rule");
    assertRefused(rule("pool", "queue.size: 3"), "f:5:7: unknown key 'queue.size' in 'when' of a pool rule");
  }

  @Test
  void refusesDuplicateNamesMissingFieldsAndBadShapes() {
    assertRefused(String.join("\n",
        "rules:",
        "  - name: a",
        "    target: executor",
        "    when: { queue.size: 1 }",
        "  - name: a",
        "    target: queue",
        "    when: { queue.size: 1 }"),
        "f:5:5: duplicate rule name 'a' (first at line 2)");
    assertRefused(String.join("\n", "rules:", "  - name: a", "    when: { queue.size: 1 }"),
        "f:2:5: rule has no 'target'");
    assertRefused(String.join("\n", "rules:", "  - name: a", "    target: queue", "    when: {}"),
        "f:4:11: rule 'a' has no condition under 'when'");
    assertRefused("rules: orders\n", "f:1:8: 'rules' must be a list");
    assertRefused("- a\n- b\n", "f:1:1: a rule file is a mapping with a 'rules' list");
    assertRefused(String.join("\n", "rules:", "  - name: a", "    name: b"), "f:3:5: duplicate key 'name' in a rule");
  }

  @Test
  void refusesInvalidYamlWithItsPosition() {
    assertRefused("rules:\n  - name: [unclosed\n", "f:3:1: not valid YAML");
  }

  @Test
  void refusesDeepNestingBeforeBuildingTheTree() {
    // 20 000 brackets overflowed the stack of the tree builder and stopped the agent (issue 12).
    assertRefused("[\n".repeat(20_000), "f:17:1: nested more than 16 levels deep");
    assertRefused("- ".repeat(400) + "x", "f:1:33: nested more than 16 levels deep");
    StringBuilder block = new StringBuilder();
    for (int level = 0; level < 300; level++) {
      block.append(" ".repeat(level)).append("k:\n");
    }
    assertRefused(block.toString(), "f:17:");
  }

  @Test
  void refusesNestingOneLevelPastTheLimitAtItsPosition() {
    String ok = "rules: " + "[".repeat(15) + "]".repeat(15);
    String tooDeep = "rules: " + "[".repeat(16) + "]".repeat(16);
    assertRefused(ok, "f:1:9: a rule is a mapping");
    assertRefused(tooDeep, "f:1:23: nested more than 16 levels deep");
  }

  @Test
  void refusesLongLinesLargeTextManyRulesAndLongNames() {
    assertRefused("rules: []\n# " + "x".repeat(5_000), "f:2:1001: line 2 is 5002 characters long, more than the limit of 1000");
    assertRefused("rules: []\n# " + "x".repeat(5_000_000), "f:1:1: the file is 5000012 bytes, more than the limit");
    String large = "# padding\n".repeat(30_000);
    assertRefused(large, "f:1:1: the file is 300000 bytes, more than the limit of 262144 (256 KiB)");
    StringBuilder many = new StringBuilder("rules:\n");
    for (int i = 0; i < 201; i++) {
      many.append("  - { name: r").append(i).append(", target: queue, when: { queue.size: 1 } }\n");
    }
    assertRefused(many.toString(), "f:202:5: more than 200 rules (201); the limit is 200");
    assertRefused(String.join("\n", "rules:", "  - name: " + "n".repeat(200_000)), "f:2:1001: line 2");
    assertRefused(String.join("\n", "rules:", "  - name: " + "n".repeat(65), "    target: queue",
        "    when: { queue.size: 1 }"), "f:2:11: rule name 'nnnnn");
    assertThatThrownBy(() -> RuleParser.parse(String.join("\n", "rules:", "  - name: " + "n".repeat(65),
        "    target: queue", "    when: { queue.size: 1 }"), "f"))
        .hasMessageEndingWith("is longer than 64 characters");
  }

  @Test
  void acceptsTextAtEveryLimit() throws Exception {
    StringBuilder yaml = new StringBuilder("rules:\n");
    for (int i = 0; i < 200; i++) {
      String name = String.format("%-64s", "r" + i).replace(' ', 'x');
      yaml.append("  - { name: ").append(name).append(", target: queue, when: { queue.size: 1 } }\n");
    }
    yaml.append("# ").append("c".repeat(998)).append('\n');
    assertThat(RuleParser.parse(yaml.toString(), "f").rules()).hasSize(200);
  }

  @Test
  void echoesNoControlCharactersAndCutsLongValues() {
    assertThatThrownBy(() -> RuleParser.parse(String.join("\n", "rules:", "  - name: \"a\\e[31mred\"",
        "    target: queue", "    when: { queue.size: 1 }"), "f"))
        .hasMessageContaining("rule name 'a\\u001b[31mred' must be")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u001b"));
    assertThatThrownBy(() -> RuleParser.parse(String.join("\n", "rules:", "  - name: a",
        "    target: " + "q".repeat(900), "    when: { queue.size: 1 }"), "f"))
        .hasMessageContaining("... (900 characters)")
        .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(400));
  }

  @Test
  void tellsAnEmptyTextFromADeliberateEmptyList() throws Exception {
    assertThat(RuleParser.parse("", "f").explicit()).isFalse();
    assertThat(RuleParser.parse("# being written\n", "f").explicit()).isFalse();
    assertThat(RuleParser.parse("rules:\n", "f").explicit()).isFalse();
    assertThat(RuleParser.parse("rules: []\n", "f").explicit()).isTrue();
  }

  @Test
  void wildcardsNeverMatchTheJdksOwnTargetsButExactNamesDo() throws Exception {
    RuleSet rules = RuleParser.parse(String.join("\n",
        "rules:",
        "  - { name: all, target: executor, match: \"*\", when: { queue.size: 5 } }",
        "  - { name: rmi, target: executor, match: \"RMI*\", when: { queue.size: 5 } }",
        "  - { name: exact, target: executor, match: \"RMI Scheduler(0)\", when: { queue.size: 5 } }"), "f");
    Rule all = rules.rules().get(0);
    Rule rmi = rules.rules().get(1);
    Rule exact = rules.rules().get(2);

    assertThat(all.applies(TargetKind.EXECUTOR, "RMI Scheduler(0)", true)).isFalse();
    assertThat(rmi.applies(TargetKind.EXECUTOR, "RMI Scheduler(0)", true)).isFalse();
    assertThat(exact.applies(TargetKind.EXECUTOR, "RMI Scheduler(0)", true)).isTrue();
    assertThat(all.applies(TargetKind.EXECUTOR, "RMI Scheduler(0)", false)).isTrue();
    assertThat(all.applies(TargetKind.EXECUTOR, "orders")).isTrue();
  }

  private static String rule(String target, String condition) {
    return String.join("\n", "rules:", "  - name: a", "    target: " + target, "    when:", "      " + condition);
  }

  private static void assertRefused(String yaml, String messageStart) {
    assertThatThrownBy(() -> RuleParser.parse(yaml, "f"))
        .isInstanceOf(RuleFileException.class)
        .hasMessageStartingWith(messageStart);
  }
}
