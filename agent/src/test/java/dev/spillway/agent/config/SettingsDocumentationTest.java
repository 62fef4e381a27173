package dev.spillway.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** README's settings table is the declared settings, key by key: documentation cannot go stale. */
class SettingsDocumentationTest {

  private static final String START = "<!-- settings-table";
  private static final String END = "<!-- /settings-table -->";

  @Test
  void readmeListsEverySettingWithItsTypeDefaultAndDescription() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    List<String> declared = new ArrayList<>();
    for (Setting<?> setting : Settings.ALL) {
      declared.add(row(setting));
    }
    assertThat(documentedRows(readme)).containsExactlyElementsOf(declared);
  }

  @Test
  void aReadmeWithoutItsMarkersFails() {
    // Regression (issue 13): a missing start marker used to read the table from the top of the file.
    String table = "| `spillway.a` | text | (none) | A. |\n";
    assertThatThrownBy(() -> documentedRows("# title\n" + table + END + "\n"))
        .isInstanceOf(AssertionError.class).hasMessageContaining(START);
    assertThatThrownBy(() -> documentedRows(START + " -->\n" + table))
        .isInstanceOf(AssertionError.class).hasMessageContaining(END);
    assertThatThrownBy(() -> documentedRows(END + "\n" + START + " -->\n" + table))
        .isInstanceOf(AssertionError.class).hasMessageContaining("before");
    assertThat(documentedRows(START + " -->\n" + table + END)).containsExactly(table.trim());
  }

  /** The rows of the settings table between its markers; fails when a marker is missing or misplaced. */
  static List<String> documentedRows(String readme) {
    int startMarker = readme.indexOf(START);
    int end = readme.indexOf(END);
    assertThat(startMarker).as("start marker '%s' in README.md", START).isNotNegative();
    assertThat(end).as("end marker '%s' in README.md", END).isNotNegative();
    int start = readme.indexOf('\n', startMarker) + 1;
    assertThat(start).as("a line break after the start marker, before the end marker").isPositive()
        .isLessThanOrEqualTo(end);
    List<String> documented = new ArrayList<>();
    for (String line : readme.substring(start, end).split("\n")) {
      if (line.startsWith("| `")) {
        documented.add(line);
      }
    }
    return documented;
  }

  /** The README row of a setting; print these to regenerate the table. */
  static String row(Setting<?> setting) {
    return "| `" + setting.key() + "` | " + setting.type().replace("|", "\\|") + " | "
        + render(setting.defaultValue()) + " | " + setting.description() + " |";
  }

  private static String render(Object value) {
    if (value instanceof Enum) {
      return "`" + Setting.externalName((Enum<?>) value) + "`";
    }
    if (value instanceof Duration) {
      return "`" + Durations.format((Duration) value) + "`";
    }
    String text = String.valueOf(value);
    return text.isEmpty() ? "(none)" : "`" + text + "`";
  }

  public static void main(String[] args) {
    for (Setting<?> setting : Settings.ALL) {
      System.out.println(row(setting));
    }
  }
}
