package dev.spillway.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

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
    int start = readme.indexOf('\n', readme.indexOf(START)) + 1;
    int end = readme.indexOf(END);
    assertThat(start).as("settings table markers in README.md").isPositive();
    List<String> documented = new ArrayList<>();
    for (String line : readme.substring(start, end).split("\n")) {
      if (line.startsWith("| `")) {
        documented.add(line);
      }
    }
    List<String> declared = new ArrayList<>();
    for (Setting<?> setting : Settings.ALL) {
      declared.add(row(setting));
    }
    assertThat(documented).containsExactlyElementsOf(declared);
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
