package dev.spillway.it.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.FuzzApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.JmxClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random and mutated rule files and settings against a live JVM (issue 12), each part within a
 * time budget. Whatever they hold: the JVM runs, the application's answer is the same as without
 * them, and each problem is one line (no stack trace, no control character, nothing unbounded).
 *
 * <p>The seed is fixed and printed; {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.seconds=N}
 * gives each part more time.
 */
class RulesAndSettingsFuzzIT {

  static final long SEED = Long.getLong("fuzz.seed", 12L);
  static final long SECONDS = Long.getLong("fuzz.seconds", 15L);
  static final String RULES_MBEAN = "dev.spillway:type=Rules";
  /** The sums of 1..2000 squared, and of 3 × 1..2000: what FuzzApp answers whatever the agent does. */
  static final String RESULT = "RESULT executor=2668667000 queue=6003000";

  @BeforeAll
  static void printSeed() {
    System.out.println("fuzz seed " + SEED + " (replay with -Dfuzz.seed=" + SEED + "), " + SECONDS + " s a part");
  }

  @Test
  void rulesOverJmxAreAppliedOrRefusedInOneLineEachAndTheResultsStay() throws Exception {
    Mutator mutator = new Mutator(new Random(SEED));
    try (AgentJvm app = start(AgentJvm.builder(FuzzApp.class)); JmxClient jmx = JmxClient.connect(app.pid())) {
      long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
      int applied = 0;
      int refused = 0;
      for (int i = 0; System.nanoTime() < deadline; i++) {
        String source = "fuzz-" + i + ".yaml";
        String text = mutator.rules();
        int mark = app.errorMark();
        try {
          jmx.invoke(RULES_MBEAN, "apply", new Object[] {text, source}, new String[] {"java.lang.String",
              "java.lang.String"});
          applied++;
          app.awaitErrorAfter(mark, line -> line.contains("rules from " + source + " (over JMX)"),
              Duration.ofSeconds(10));
        } catch (Exception e) {
          Throwable cause = rootCause(e);
          assertThat(cause).as("seed %s, text %s", SEED, text).isInstanceOf(IllegalArgumentException.class);
          assertThat(cause.getMessage()).as("seed %s", SEED).startsWith(source + ":").doesNotContain("\n")
              .hasSizeLessThan(1500);
          refused++;
          app.awaitErrorAfter(mark, line -> line.startsWith("[spillway] WARN rules " + source + ":"),
              Duration.ofSeconds(10));
        }
        assertThat(linesAbout(app, source)).as("seed %s, lines about %s", SEED, source).hasSize(1);
        assertThat(app.stderr().size() - mark).as("seed %s: new lines for %s: %s", SEED, source,
            app.stderr().subList(mark, app.stderr().size())).isLessThanOrEqualTo(3);
        if (i % 10 == 0) {
          assertThat(app.ask("work", "RESULT")).as("seed %s after %s", SEED, source).isEqualTo(RESULT);
        }
      }
      assertThat(app.ask("work", "RESULT")).isEqualTo(RESULT);
      System.out.println("rules over JMX: " + applied + " applied, " + refused + " refused");
      assertThat(refused).isPositive();
      assertClean(app);
    }
  }

  @Test
  void mutatedRuleFilesAreEachActedOnInOneLineAndTheResultsStay(@TempDir Path dir) throws Exception {
    Mutator mutator = new Mutator(new Random(SEED + 1));
    Path rules = Files.writeString(dir.resolve("rules.yaml"), "rules: []\n");
    try (AgentJvm app = start(AgentJvm.builder(FuzzApp.class).property("spillway.rules", rules.toString()))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
      int versions = 1;
      while (System.nanoTime() < deadline) {
        byte[] content = mutator.rulesFile();
        byte[] marked = new byte[content.length + 12];
        System.arraycopy(content, 0, marked, 0, content.length);
        // Each version differs from the last, so that each is acted on.
        System.arraycopy(String.format("%n# v%08d%n", versions).getBytes(), 0, marked, content.length, 12);
        int mark = app.errorMark();
        Files.write(rules, marked);
        versions++;
        app.awaitErrorAfter(mark, line -> line.contains(rules.toString()), Duration.ofSeconds(10));
        assertThat(app.ask("work", "RESULT")).as("seed %s, version %s", SEED + 1, versions).isEqualTo(RESULT);
      }
      assertThat(linesAbout(app, rules.toString())).as("seed %s", SEED + 1).hasSize(versions);
      System.out.println("rule files: " + versions + " versions");
      assertClean(app);
    }
  }

  @Test
  void randomSettingsNeverStopTheAgentOrChangeTheResults() throws Exception {
    Mutator mutator = new Mutator(new Random(SEED + 2));
    long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
    int runs = 0;
    while (runs == 0 || System.nanoTime() < deadline) {
      AgentJvm.Builder builder = AgentJvm.builder(FuzzApp.class);
      List<String> given = new ArrayList<>();
      StringBuilder agentArgs = new StringBuilder();
      for (int i = 0; i < 6; i++) {
        String[] setting = mutator.setting();
        given.add(setting[0] + "=" + setting[1]);
        switch (i % 3) {
          case 0:
            builder.property(setting[0], setting[1]);
            break;
          case 1:
            builder.env(setting[0].toUpperCase().replace('.', '_').replace('-', '_'), setting[1]);
            break;
          default:
            if (setting[0].startsWith("spillway.") && !setting[1].contains(",")) {
              agentArgs.append(agentArgs.length() == 0 ? "" : ",").append(setting[0]).append('=')
                  .append(setting[1]);
            }
        }
      }
      builder.agentArgs(agentArgs.toString());
      try (AgentJvm app = start(builder)) {
        assertThat(app.ask("work", "RESULT")).as("seed %s, settings %s", SEED + 2, given).isEqualTo(RESULT);
        // At most one line per setting, or per entry of a list setting (glob=name;glob=name).
        int entries = given.stream().mapToInt(setting -> setting.split(";", -1).length).sum();
        assertThat(app.agentProblems()).as("seed %s, settings %s", SEED + 2, given)
            .hasSizeLessThanOrEqualTo(entries)
            .noneMatch(line -> line.startsWith("[spillway] ERROR"));
        assertClean(app);
        app.send("exit");
        app.awaitExit(Duration.ofSeconds(10));
      }
      runs++;
    }
    System.out.println("settings: " + runs + " JVMs");
  }

  private static AgentJvm start(AgentJvm.Builder builder) {
    AgentJvm app = builder.property("otel.metrics.exporter", "none").property("otel.traces.exporter", "none").start();
    app.awaitError(line -> line.startsWith("[spillway] INFO")
        && (line.contains(" started in ") || line.contains("disabled")), Duration.ofSeconds(60));
    app.awaitOutput("READY");
    return app;
  }

  private static List<String> linesAbout(AgentJvm app, String needle) {
    List<String> lines = new ArrayList<>();
    for (String line : app.stderr()) {
      if (line.contains(needle)) {
        lines.add(line);
      }
    }
    return lines;
  }

  /** Nothing but single, bounded, printable lines on standard error. */
  private static void assertClean(AgentJvm app) {
    assertThat(app.isAlive()).isTrue();
    assertThat(app.stderr()).as("seed %s", SEED)
        .noneMatch(line -> line.startsWith("\tat ") || line.startsWith("Caused by") || line.contains("Exception in"))
        .noneMatch(line -> line.chars().anyMatch(c -> c < 0x20 && c != '\t'))
        .allMatch(line -> line.length() < 2000);
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }
}
