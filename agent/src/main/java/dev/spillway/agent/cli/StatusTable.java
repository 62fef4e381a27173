package dev.spillway.agent.cli;

import dev.spillway.agent.status.TargetStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders target rows as an aligned table, as JSON, and (for top) with rates. */
final class StatusTable {

  private StatusTable() {}

  /** The table; {@code rates} (rows by kind and name, per second) adds the rate columns, or null. */
  static String render(List<TargetStatus> rows, Map<String, double[]> rates) {
    List<String[]> lines = new ArrayList<>();
    lines.add(rates == null
        ? new String[] {"KIND", "NAME", "DEPTH/CAP", "ACTIVE/MAX", "SAT", "REJECTED", "SHED", "WAIT P99", "RULES"}
        : new String[] {"KIND", "NAME", "DEPTH/CAP", "ACTIVE/MAX", "SAT", "REJ/S", "SHED/S", "DONE/S", "WAIT P99",
            "RULES"});
    for (TargetStatus row : rows) {
      List<String> cells = new ArrayList<>(List.of(row.getKind(), row.getName(),
          count(row.getDepth()) + "/" + limit(row.getCapacity()),
          row.getActive() < 0 ? "-" : row.getActive() + "/" + limit(row.getMax()),
          saturation(row.saturation())));
      if (rates == null) {
        cells.add(Long.toString(row.getRejected()));
        cells.add(Long.toString(row.getShed()));
      } else {
        double[] rate = rates.getOrDefault(key(row), new double[3]);
        cells.add(rate(rate[0]));
        cells.add(rate(rate[1]));
        cells.add(row.getCompleted() < 0 ? "-" : rate(rate[2]));
      }
      cells.add(duration(row.getWaitP99Nanos()));
      cells.add(row.getRules().isEmpty() ? "-" : row.getRules());
      lines.add(cells.toArray(new String[0]));
    }
    int[] widths = new int[lines.get(0).length];
    for (String[] line : lines) {
      for (int i = 0; i < line.length; i++) {
        widths[i] = Math.max(widths[i], line[i].length());
      }
    }
    StringBuilder table = new StringBuilder();
    for (String[] line : lines) {
      StringBuilder text = new StringBuilder();
      for (int i = 0; i < line.length; i++) {
        text.append(i == 0 ? "" : "  ").append(i == line.length - 1 ? line[i] : pad(line[i], widths[i]));
      }
      table.append(text.toString().stripTrailing()).append('\n');
    }
    if (rows.isEmpty()) {
      table.append("(nothing tracked yet: executors, queues and pools appear at their first use)\n");
    }
    return table.toString();
  }

  static String json(List<TargetStatus> rows) {
    StringBuilder json = new StringBuilder("[");
    for (TargetStatus row : rows) {
      json.append(json.length() == 1 ? "" : ",").append("\n  {");
      field(json, "kind", row.getKind(), true);
      field(json, "name", row.getName(), false);
      field(json, "type", row.getType(), false);
      field(json, "depth", row.getDepth());
      field(json, "capacity", row.getCapacity());
      field(json, "active", row.getActive());
      field(json, "max", row.getMax());
      json.append(", \"saturation\": ").append(row.saturation() < 0 ? "null"
          : String.format(Locale.ROOT, "%.4f", row.saturation()));
      field(json, "rejected", row.getRejected());
      field(json, "shed", row.getShed());
      field(json, "completed", row.getCompleted());
      json.append(", \"waitP99Seconds\": ").append(row.getWaitP99Nanos() < 0 ? "null"
          : String.format(Locale.ROOT, "%.6f", row.getWaitP99Nanos() / 1e9));
      json.append(", \"activeRules\": [");
      String[] rules = row.getRules().isEmpty() ? new String[0] : row.getRules().split(",");
      for (int i = 0; i < rules.length; i++) {
        json.append(i == 0 ? "" : ", ").append(quote(rules[i]));
      }
      json.append("]}");
    }
    return json.append(rows.isEmpty() ? "]" : "\n]").toString();
  }

  static String key(TargetStatus row) {
    return row.getKind() + '\n' + row.getName() + '\n' + row.getType();
  }

  private static void field(StringBuilder json, String name, String value, boolean first) {
    json.append(first ? "" : ", ").append(quote(name)).append(": ").append(quote(value));
  }

  private static void field(StringBuilder json, String name, long value) {
    json.append(", ").append(quote(name)).append(": ").append(value < 0 ? "null" : Long.toString(value));
  }

  static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '"': quoted.append("\\\""); break;
        case '\\': quoted.append("\\\\"); break;
        case '\n': quoted.append("\\n"); break;
        case '\t': quoted.append("\\t"); break;
        default:
          if (c < 0x20) {
            quoted.append(String.format("\\u%04x", (int) c));
          } else {
            quoted.append(c);
          }
      }
    }
    return quoted.append('"').toString();
  }

  private static String count(long value) {
    return value < 0 ? "-" : Long.toString(value);
  }

  private static String limit(long value) {
    return value < 0 ? "∞" : Long.toString(value);
  }

  private static String saturation(double value) {
    return value < 0 ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * value);
  }

  private static String rate(double perSecond) {
    return perSecond < 10 ? String.format(Locale.ROOT, "%.1f", perSecond) : String.format(Locale.ROOT, "%.0f", perSecond);
  }

  static String duration(long nanos) {
    if (nanos < 0) {
      return "-";
    }
    if (nanos < 1_000_000) {
      return String.format(Locale.ROOT, "≤%dµs", Math.max(1, nanos / 1000));
    }
    if (nanos < 1_000_000_000) {
      return String.format(Locale.ROOT, "≤%dms", nanos / 1_000_000);
    }
    return String.format(Locale.ROOT, "≤%.1fs", nanos / 1e9);
  }

  private static String pad(String text, int width) {
    StringBuilder padded = new StringBuilder(text);
    while (padded.length() < width) {
      padded.append(' ');
    }
    return padded.toString();
  }
}
