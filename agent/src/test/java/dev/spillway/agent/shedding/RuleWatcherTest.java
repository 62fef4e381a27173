package dev.spillway.agent.shedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleWatcherTest {

  private static final String TWO_RULES = String.join("\n",
      "rules:",
      "  - name: a",
      "    target: queue",
      "    when: { queue.size: 10 }",
      "  - name: b",
      "    target: queue",
      "    when: { queue.size: 20 }",
      "");

  @TempDir
  Path dir;

  private final AtomicLong clock = new AtomicLong();
  private final RuleEngine engine = new RuleEngine();

  @Test
  void appliesTheFirstFileAtOnce() throws Exception {
    Path file = write("rules.yaml", TWO_RULES);

    new RuleWatcher(file, engine, clock::get).check();

    assertThat(names()).isEqualTo("a,b");
  }

  @Test
  void appliesAChangeOnlyOnceItHasStayedTheSameForTheSettleTime() throws Exception {
    Path file = write("rules.yaml", TWO_RULES);
    RuleWatcher watcher = new RuleWatcher(file, engine, clock::get);
    watcher.check();

    // A writer in two steps: first half the file, then all of it, a second apart.
    Files.writeString(file, TWO_RULES.substring(0, TWO_RULES.indexOf("  - name: b")));
    tick(500);
    watcher.check();
    assertThat(names()).isEqualTo("a,b");
    Files.writeString(file, TWO_RULES.replace("20", "30"));
    tick(700);
    watcher.check();
    tick(700);
    watcher.check();
    assertThat(engine.rules().toYaml()).contains("\">= 20\"");
    tick(300);
    watcher.check();

    assertThat(names()).isEqualTo("a,b");
    assertThat(engine.rules().toYaml()).contains("\">= 30\"").doesNotContain("\">= 20\"");
    assertThat(engine.reloads(true)).isEqualTo(2);
  }

  @Test
  void anEmptyOrCommentOnlyFileKeepsTheRulesInForce() throws Exception {
    Path file = write("rules.yaml", TWO_RULES);
    RuleWatcher watcher = new RuleWatcher(file, engine, clock::get);
    watcher.check();

    for (String nothing : new String[] {"", "# being edited\n", "rules:\n"}) {
      Files.writeString(file, nothing);
      watcher.check();
      tick(1500);
      watcher.check();
      assertThat(names()).isEqualTo("a,b");
    }
  }

  @Test
  void anExplicitEmptyListRemovesAllRules() throws Exception {
    Path file = write("rules.yaml", TWO_RULES);
    RuleWatcher watcher = new RuleWatcher(file, engine, clock::get);
    watcher.check();

    Files.writeString(file, "rules: []\n");
    watcher.check();
    tick(1000);
    watcher.check();

    assertThat(engine.rules().isEmpty()).isTrue();
  }

  @Test
  void aFileDeletedForAMomentKeepsTheRulesAndOneDeletedForGoodRemovesThem() throws Exception {
    Path file = write("rules.yaml", TWO_RULES);
    RuleWatcher watcher = new RuleWatcher(file, engine, clock::get);
    watcher.check();

    Files.delete(file);
    watcher.check();
    write("rules.yaml", TWO_RULES);
    tick(1000);
    watcher.check();
    assertThat(names()).isEqualTo("a,b");

    Files.delete(file);
    watcher.check();
    tick(1000);
    watcher.check();
    assertThat(engine.rules().isEmpty()).isTrue();
  }

  @Test
  void aHugeFileIsRefusedOnceAndTheRulesStay() throws Exception {
    Path file = write("rules.yaml", TWO_RULES);
    RuleWatcher watcher = new RuleWatcher(file, engine, clock::get);
    watcher.check();

    Files.writeString(file, "#".repeat(RuleLimits.MAX_BYTES + 1));
    for (int i = 0; i < 5; i++) {
      watcher.check();
      tick(1000);
    }

    assertThat(names()).isEqualTo("a,b");
    assertThat(engine.reloads(false)).isEqualTo(1);
  }

  @Test
  void aDeeplyNestedFileAtStartIsRefusedAndTheWatcherGoesOn() throws Exception {
    Path file = write("rules.yaml", "rules: " + "[".repeat(20_000));
    RuleWatcher watcher = new RuleWatcher(file, engine, clock::get);

    watcher.check();
    assertThat(engine.reloads(false)).isEqualTo(1);
    Files.writeString(file, TWO_RULES);
    watcher.check();
    tick(1000);
    watcher.check();

    assertThat(names()).isEqualTo("a,b");
  }

  private void tick(long millis) {
    clock.addAndGet(millis * 1_000_000);
  }

  private Path write(String name, String content) throws Exception {
    return Files.writeString(dir.resolve(name), content);
  }

  private String names() {
    StringBuilder names = new StringBuilder();
    for (Rule rule : engine.rules().rules()) {
      names.append(names.length() == 0 ? "" : ",").append(rule.name());
    }
    return names.toString();
  }
}
