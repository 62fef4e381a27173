package dev.spillway.it.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Rule files and settings as a careless or hostile operator writes them: generated from the
 * documented shapes with wrong and strange values, then cut, repeated, nested, re-indented and
 * sprinkled with control characters. Deterministic for a given {@link Random}.
 */
final class Mutator {

  private static final String[] TARGETS = {"executor", "queue", "pool", "executr", "", "[executor]"};
  private static final String[] MATCHES = {"\"*\"", "\"ledger\"", "\"led*\"", "\"*a*a*a*a*a*a*a*a*b\"",
      "\"RMI Scheduler(0)\"", "'[ab]'", "\"\"", "\"?\"", "dev.spillway.it.apps.FuzzApp*", "\"\\e[31m\""};
  private static final String[] CONDITIONS = {"queue.size: 5", "queue.size: \"> 0\"", "queue.size: 0",
      "queue.utilization: \">= 0.5\"", "queue.utilization: 80%", "queue.utilization: 1.5", "wait: 5ms",
      "wait: { target: 1ms, interval: 10ms }", "wait: { target: 5ms, interval: soon }", "pending: 3",
      "queue.size: 99999999999999999999", "queue.size: -1", "wait: 0ms", "queue.sise: 3", "wait: 1e309ms",
      "queue.size: \">= 1e999\"", "wait: 99999999999999999999h"};
  private static final String[] ACTIONS = {"reject", "handler", "drop", "", "REJECT"};
  private static final String[] MODES = {"enforce", "dry-run", "maybe", ""};
  private static final String[] WEIRD = {"\u001b[31m", "\t", "\r", "\u0000", "[", "{", "}", "]", ":", "- ",
      "&a ", "*a", "!!str ", "!!binary ", "%YAML 1.2\n", "---\n", "...\n", "\"", "'", "#", "\n", "? ",
      "x".repeat(1500), "9".repeat(25), "\u202e", "\u00e9", "\ud800", "\u2028", "<<: *a\n", "~", "null",
      "name: b\n", "rules:\n", "  - ", "|\n", ">\n"};

  private final Random random;

  Mutator(Random random) {
    this.random = random;
  }

  /** A rule text: a generated file, mutated zero to four times. */
  String rules() {
    String text = generated();
    int mutations = random.nextInt(5);
    for (int i = 0; i < mutations; i++) {
      text = mutate(text);
    }
    return text;
  }

  /** The same as bytes, sometimes not UTF-8. */
  byte[] rulesFile() {
    byte[] bytes = rules().getBytes(StandardCharsets.UTF_8);
    if (bytes.length > 0 && random.nextInt(6) == 0) {
      bytes = Arrays.copyOf(bytes, bytes.length);
      bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x80));
    }
    return bytes;
  }

  private String generated() {
    StringBuilder yaml = new StringBuilder(random.nextInt(10) == 0 ? "" : "rules:\n");
    int count = random.nextInt(20) == 0 ? 150 + random.nextInt(100) : 1 + random.nextInt(4);
    for (int i = 0; i < count; i++) {
      if (random.nextBoolean()) {
        yaml.append("  - name: ").append(name(i)).append('\n')
            .append("    target: ").append(pick(TARGETS)).append('\n');
        if (random.nextBoolean()) {
          yaml.append("    match: ").append(pick(MATCHES)).append('\n');
        }
        yaml.append("    when:\n");
        int conditions = 1 + random.nextInt(2);
        for (int c = 0; c < conditions; c++) {
          yaml.append("      ").append(pick(CONDITIONS)).append('\n');
        }
        if (random.nextBoolean()) {
          yaml.append("    action: ").append(pick(ACTIONS)).append('\n');
        }
        if (random.nextBoolean()) {
          yaml.append("    mode: ").append(pick(MODES)).append('\n');
        }
      } else {
        yaml.append("  - { name: ").append(name(i)).append(", target: ").append(pick(TARGETS))
            .append(", match: ").append(pick(MATCHES)).append(", when: { ").append(pick(CONDITIONS)).append(" } }\n");
      }
    }
    return yaml.toString();
  }

  private String name(int i) {
    switch (random.nextInt(8)) {
      case 0:
        return "n".repeat(1 + random.nextInt(200));
      case 1:
        return "\"bad\\e[2Jname" + i + "\"";
      case 2:
        return "r" + (i / 2);
      default:
        return "fuzz-" + i;
    }
  }

  String mutate(String text) {
    if (text.isEmpty()) {
      return pick(WEIRD);
    }
    int at = random.nextInt(text.length() + 1);
    switch (random.nextInt(9)) {
      case 0: {
        int end = Math.min(text.length(), at + random.nextInt(40));
        return text.substring(0, at) + text.substring(end);
      }
      case 1:
        return text.substring(0, at) + pick(WEIRD) + text.substring(at);
      case 2: {
        int end = Math.min(text.length(), at + random.nextInt(200));
        String piece = text.substring(at, end);
        return text.substring(0, end) + piece.repeat(1 + random.nextInt(50)) + text.substring(end);
      }
      case 3: {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        int a = random.nextInt(lines.size());
        int b = random.nextInt(lines.size());
        String line = lines.get(a);
        lines.set(a, lines.get(b));
        lines.set(b, line);
        return String.join("\n", lines);
      }
      case 4: {
        List<String> lines = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
        int a = random.nextInt(lines.size());
        lines.set(a, " ".repeat(random.nextInt(9)) + lines.get(a).stripLeading());
        return String.join("\n", lines);
      }
      case 5:
        return text.substring(0, at);
      case 6: {
        int depth = 1 + random.nextInt(random.nextBoolean() ? 30 : 3000);
        String open = random.nextBoolean() ? "[" : "{a: ";
        return text.substring(0, at) + (random.nextBoolean() ? open.repeat(depth) : (open + "\n").repeat(depth))
            + text.substring(at);
      }
      case 7:
        return text.substring(0, at) + "x".repeat(random.nextInt(3) == 0 ? 300_000 : 900 + random.nextInt(300))
            + text.substring(at);
      default:
        return "# only a comment\n";
    }
  }

  /** One setting: a key (known, misspelt or foreign) and a value (valid, wrong or strange). */
  String[] setting() {
    String[] keys = {"spillway.enabled", "spillway.log.level", "spillway.startup", "spillway.timing",
        "spillway.timing.samples-per-second", "spillway.executor.enabled", "spillway.executor.max-tracked",
        "spillway.executor.names", "spillway.queue.enabled", "spillway.queue.max-tracked", "spillway.queue.names",
        "spillway.queue.details", "spillway.pool.enabled", "spillway.pool.max-tracked", "spillway.pool.names",
        "spillway.pool.slow-acquire", "spillway.rules", "spillway.jmx.enabled", "spillway.control.enabled",
        "spillway.executer.enabled", "spillway.attach.result", "spillway.control.socket",
        "spillway.otel.metrics.exporter", "spillway.otel.metric.export.interval", "otel.metric.export.interval",
        "otel.exporter.otlp.timeout", "otel.exporter.otlp.endpoint", "otel.bsp.schedule.delay"};
    String[] values = {"", " ", "true", "false", "0", "-1", "12345678901234567890", "1e3", "5ms", "-5", "**;;[",
        "*", "ledger=books", "=", "a=b;c", "x".repeat(300), "\u001b[31mred", "prometheus", "none", "wait", "info",
        "off", "all", "/nonexistent/rules.yaml", "http://[::1", "http://127.0.0.1:1", "2147483648", "\u00e9t\u00e9"};
    return new String[] {pick(keys), pick(values)};
  }

  private String pick(String[] choices) {
    return choices[random.nextInt(choices.length)];
  }
}
