package dev.spillway.it.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The jars the build copies for forked applications (see the POM): connection pool libraries under
 * {@code target/pool-libs/<folder>}, and the application's own other versions of libraries the
 * agent also uses under {@code target/isolation-libs}.
 */
public final class Libraries {

  static final Path POOLS = Path.of(System.getProperty("pool.libs", "target/pool-libs"));
  static final Path ISOLATION = Path.of(System.getProperty("isolation.libs", "target/isolation-libs"));

  private Libraries() {}

  /** The jars of {@code target/pool-libs/<folder>} whose names start with {@code prefix} ("" for all). */
  public static List<Path> pool(String folder, String prefix) {
    return jars(POOLS.resolve(folder), prefix);
  }

  /**
   * What a JDBC pool application needs: H2 and slf4j, the pool library's jars, and its own
   * OpenTelemetry API and SDK (for the spans it makes).
   */
  public static List<Path> poolApplication(String folder) {
    List<Path> all = new ArrayList<>(pool("common", ""));
    all.addAll(pool(folder, ""));
    all.addAll(jars(ISOLATION, "opentelemetry-"));
    return all;
  }

  /** An application's own OpenTelemetry API and SDK (another version than the agent's). */
  public static List<Path> openTelemetry() {
    return jars(ISOLATION, "opentelemetry-");
  }

  private static List<Path> jars(Path dir, String prefix) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith(prefix) && f.toString().endsWith(".jar"))
          .sorted().collect(Collectors.toList());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
