package dev.spillway.it.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.spillway.it.apps.AttachTargetApp;
import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code spillway top} in a real terminal (tmux): it draws the table in place, refreshes it, quits
 * on 'q' and leaves the terminal settings exactly as they were.
 */
class TopTerminalIT {

  @Test
  void drawsTheTableAndQuitsCleanlyOnQ(@TempDir Path dir) throws Exception {
    Prerequisites.tmux();
    try (AgentJvm app = AgentJvm.builder(AttachTargetApp.class)
        .property("otel.metrics.exporter", "none").property("otel.traces.exporter", "none").start()) {
      app.awaitAgentStarted();
      app.awaitOutput("READY");
      assertThat(app.ask("reject 2", "REJECTED")).isEqualTo("REJECTED 2");

      String socket = "spillway-it-" + ProcessHandle.current().pid();
      Path before = dir.resolve("stty-before");
      Path after = dir.resolve("stty-after");
      Path exit = dir.resolve("exit-code");
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      String script = "stty -g > " + before + "; " + java + " -jar " + AgentJvm.agentJar() + " top " + app.pid()
          + " --interval 0.5; echo $? > " + exit + "; stty -g > " + after + "; sleep 60";
      tmux(socket, "new-session", "-d", "-s", "top", "-x", "150", "-y", "30", "sh", "-c", script);
      try {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
          String screen = tmux(socket, "capture-pane", "-p", "-t", "top");
          assertThat(screen).contains("spillway top - pid " + app.pid()).contains("q quits")
              .containsPattern("KIND +NAME +DEPTH/CAP +ACTIVE/MAX +SAT +REJ/S +SHED/S +DONE/S +WAIT P99 +RULES")
              .containsPattern("executor +orders +3/3 +2/2 +100%");
        });
        String first = clock(tmux(socket, "capture-pane", "-p", "-t", "top"));
        // It refreshes: the clock in the header moves on.
        await().atMost(Duration.ofSeconds(10)).until(() ->
            !clock(tmux(socket, "capture-pane", "-p", "-t", "top")).equals(first));

        tmux(socket, "send-keys", "-t", "top", "q");
        await().atMost(Duration.ofSeconds(15)).until(() -> Files.exists(after) && Files.size(after) > 0);
        assertThat(Files.readString(exit).trim()).isEqualTo("0");
        assertThat(Files.readString(after)).isEqualTo(Files.readString(before));
        // The table is gone from the screen, and the cursor is visible again.
        String screen = tmux(socket, "capture-pane", "-p", "-t", "top");
        assertThat(screen).doesNotContain("spillway top");
        assertThat(tmux(socket, "display-message", "-p", "-t", "top", "#{cursor_flag}").trim()).isEqualTo("1");
      } finally {
        tmux(socket, "kill-server");
      }
    }
  }

  private static String clock(String screen) {
    int at = screen.indexOf(" - ", screen.indexOf("spillway top - pid") + 19);
    return at < 0 ? "" : screen.substring(at + 3, Math.min(screen.length(), at + 11));
  }

  private static String tmux(String socket, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    process.waitFor(10, TimeUnit.SECONDS);
    return output;
  }
}
