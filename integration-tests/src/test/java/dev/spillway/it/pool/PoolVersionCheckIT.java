package dev.spillway.it.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.apps.LookalikePoolApp;
import dev.spillway.it.support.AgentJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A library version without the methods the advice expects is left alone in that class loader:
 * one debug line, no rewriting, and nothing at all for the application to notice (no
 * {@code NoSuchMethodError}, no {@code VerifyError}, no warning).
 */
class PoolVersionCheckIT {

  @Test
  void aVersionLackingExpectedMethodsIsSkippedForItsLoader(@TempDir Path dir) throws IOException {
    Path source = dir.resolve("src/com/zaxxer/hikari/pool/HikariPool.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, String.join("\n",
        "package com.zaxxer.hikari.pool;",
        "/** Named like HikariCP's pool; none of its methods. */",
        "public final class HikariPool {",
        "  public String getConnection() { return \"lookalike-connection\"; }",
        "}",
        ""));
    Path classes = dir.resolve("classes");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, "-d", classes.toString(), source.toString())).isZero();

    try (AgentJvm app = AgentJvm.builder(LookalikePoolApp.class).classpath(classes)
        .property("spillway.log.level", "debug").property("otel.metrics.exporter", "none")
        .property("otel.traces.exporter", "none").start()) {
      app.awaitAgentStarted();
      app.send("go");
      assertThat(app.awaitOutput("USED")).isEqualTo("USED lookalike-connection");
      String declined = app.awaitError(line -> line.contains("HikariCP in ") && line.contains("not instrumented"),
          Duration.ofSeconds(10));
      assertThat(declined).startsWith("[spillway] DEBUG HikariCP in ")
          .contains("this version lacks com.zaxxer.hikari.pool.HikariPool.getConnection(long)");
      app.send("exit");
      assertThat(app.awaitExit(Duration.ofSeconds(20))).isZero();
      List<String> stderr = app.stderr();
      assertThat(stderr).filteredOn(line -> line.contains("not instrumented")).hasSize(1);
      assertThat(stderr).noneMatch(line -> line.contains("instrumented com.zaxxer"));
      assertThat(stderr).noneMatch(line -> line.contains("NoSuchMethodError") || line.contains("VerifyError")
          || line.contains("Exception"));
      assertThat(app.agentProblems()).isEmpty();
    }
  }
}
