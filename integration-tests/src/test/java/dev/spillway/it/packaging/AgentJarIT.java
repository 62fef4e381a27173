package dev.spillway.it.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.spillway.it.support.AgentJvm;
import dev.spillway.it.support.ClassFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the real agent jar: launcher and bootstrap classes at the root, everything else
 * relocated under {@code inst/} as {@code .classdata} that only the agent's own loader reads, and
 * the relocated code's JUL calls all landing on methods {@code PatchLogger} really has.
 *
 * <p>The last is why this test exists: the shade plugin rewrites {@code java.util.logging.Logger}
 * to {@code PatchLogger} without checking that the methods exist, so a dependency upgrade that
 * calls a new Logger method would only fail, with {@code NoSuchMethodError}, when that log line runs.
 */
class AgentJarIT {

  static final long MAX_SIZE = 12L * 1024 * 1024;
  static final String PATCH_LOGGER = "dev/spillway/agent/telemetry/PatchLogger";
  static final String JUL_LOGGER = "java/util/logging/Logger";
  /** Packages that must only appear relocated under dev/spillway/shaded/. */
  static final List<String> THIRD_PARTY =
      List.of("net/bytebuddy/", "io/opentelemetry/", "okhttp3/", "okio/", "kotlin/", "org/snakeyaml/");

  static Path jar;
  static JarFile jarFile;
  static List<JarEntry> entries;
  /** Every inst/**.classdata, parsed, by entry name. */
  static Map<String, ClassFile> classes;

  @BeforeAll
  static void openJar() throws IOException {
    jar = AgentJvm.agentJar();
    jarFile = new JarFile(jar.toFile());
    entries = Collections.list(jarFile.entries());
    classes = new TreeMap<>();
    for (JarEntry entry : entries) {
      if (entry.getName().startsWith("inst/") && entry.getName().endsWith(".classdata")) {
        try (InputStream in = jarFile.getInputStream(entry)) {
          classes.put(entry.getName(), ClassFile.parse(in.readAllBytes()));
        } catch (IOException e) {
          throw new IOException(entry.getName() + ": " + e.getMessage(), e);
        }
      }
    }
  }

  @AfterAll
  static void closeJar() throws IOException {
    jarFile.close();
  }

  @Test
  void manifestDeclaresEntryPointsAndCapabilities() throws IOException {
    Manifest manifest = jarFile.getManifest();
    assertThat(manifest).as("manifest").isNotNull();
    Attributes main = manifest.getMainAttributes();

    assertThat(main.getValue("Premain-Class")).isEqualTo("dev.spillway.agent.launch.SpillwayAgent");
    assertThat(main.getValue("Agent-Class")).isEqualTo("dev.spillway.agent.launch.SpillwayAgent");
    assertThat(main.getValue("Main-Class")).isEqualTo("dev.spillway.agent.launch.SpillwayAgent");
    assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
    assertThat(main.getValue("Can-Redefine-Classes")).isEqualTo("true");
    assertThat(main.getValue("Boot-Class-Path")).isEqualTo("spillway-agent.jar");
    assertThat(jarFile.getJarEntry("dev/spillway/agent/launch/SpillwayAgent.class"))
        .as("the entry point class, at the root").isNotNull();
  }

  @Test
  void rootHoldsOnlyMetaInfLauncherAndBootstrap() {
    List<String> stray = new ArrayList<>();
    for (JarEntry entry : entries) {
      String name = entry.getName();
      boolean allowed = name.startsWith("META-INF/") || name.startsWith("inst/")
          || name.startsWith("dev/spillway/agent/launch/") || name.startsWith("dev/spillway/bootstrap/")
          // The directories above those two.
          || entry.isDirectory() && ("dev/spillway/agent/launch/".startsWith(name)
              || "dev/spillway/bootstrap/".startsWith(name));
      if (!allowed) {
        stray.add(name);
      }
    }

    assertThat(stray).as("entries at the root outside META-INF/, launch/ and bootstrap/").isEmpty();
    assertThat(entries).extracting(JarEntry::getName)
        .contains("dev/spillway/bootstrap/ExecutorHooks.class", "dev/spillway/agent/launch/Launcher.class");
  }

  @Test
  void implementationIsHiddenAsClassdata() {
    List<String> visible = entries.stream().map(JarEntry::getName)
        .filter(name -> name.startsWith("inst/") && name.endsWith(".class")).toList();

    assertThat(visible).as(".class files under inst/ (any loader could define them)").isEmpty();
    assertThat(classes).as("classdata under inst/")
        .containsKeys("inst/dev/spillway/agent/Agent.classdata", PATCH_LOGGER_ENTRY);
  }

  static final String PATCH_LOGGER_ENTRY = "inst/" + PATCH_LOGGER + ".classdata";

  @Test
  void thirdPartyCodeIsRelocated() {
    List<String> unrelocated = new ArrayList<>();
    for (JarEntry entry : entries) {
      for (String pkg : THIRD_PARTY) {
        if (entry.getName().startsWith("inst/" + pkg)) {
          unrelocated.add(entry.getName());
        }
      }
    }
    Set<String> unrelocatedReferences = new TreeSet<>();
    classes.forEach((entry, classFile) -> {
      for (String name : classFile.classes()) {
        String type = name.replaceFirst("^\\[+L", "");
        for (String pkg : THIRD_PARTY) {
          if (type.startsWith(pkg)) {
            unrelocatedReferences.add(entry + " -> " + name);
          }
        }
      }
    });

    assertThat(unrelocated).as("un-relocated third-party entries").isEmpty();
    assertThat(unrelocatedReferences).as("classes referring to un-relocated third-party classes").isEmpty();
    assertThat(classes).as("relocated dependencies present")
        .containsKey("inst/dev/spillway/shaded/net/bytebuddy/ByteBuddy.classdata");
  }

  @Test
  void serviceFilesNameClassesThatExist() throws IOException {
    List<String> missing = new ArrayList<>();
    int providers = 0;
    for (JarEntry entry : entries) {
      if (!entry.getName().startsWith("inst/META-INF/services/") || entry.isDirectory()) {
        continue;
      }
      try (BufferedReader reader = new BufferedReader(
          new InputStreamReader(jarFile.getInputStream(entry), StandardCharsets.UTF_8))) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          String provider = line.replaceFirst("#.*", "").trim();
          if (provider.isEmpty()) {
            continue;
          }
          providers++;
          if (!classes.containsKey("inst/" + provider.replace('.', '/') + ".classdata")) {
            missing.add(entry.getName() + ": " + provider);
          }
        }
      }
    }

    assertThat(providers).as("service providers listed").isPositive();
    assertThat(missing).as("service providers without a class").isEmpty();
  }

  @Test
  void everyPatchLoggerCallExists() {
    ClassFile patchLogger = classes.get(PATCH_LOGGER_ENTRY);
    assertThat(patchLogger.name()).isEqualTo(PATCH_LOGGER);
    Map<String, Set<String>> callers = new TreeMap<>();
    Set<String> missing = new TreeSet<>();
    classes.forEach((entry, classFile) -> {
      if (classFile == patchLogger) {
        return;
      }
      for (ClassFile.Ref ref : classFile.refs()) {
        if (!ref.owner().equals(PATCH_LOGGER)) {
          continue;
        }
        callers.computeIfAbsent(ref.member(), m -> new TreeSet<>()).add(classFile.name());
        Set<String> declared = ref.kind() == ClassFile.Ref.Kind.FIELD ? patchLogger.fields() : patchLogger.methods();
        if (!declared.contains(ref.member())) {
          missing.add(ref.member() + " used by " + classFile.name());
        }
      }
    });

    assertThat(callers).as("relocated JUL calls found (else the scan is broken)")
        .containsKey("getLogger(Ljava/lang/String;)L" + PATCH_LOGGER + ";");
    assertThat(missing).as("members called on PatchLogger that it does not declare").isEmpty();
  }

  @Test
  void nothingUnderInstUsesJulLogger() {
    Set<String> users = new TreeSet<>();
    classes.forEach((entry, classFile) -> {
      if (classFile.classes().contains(JUL_LOGGER)) {
        users.add(classFile.name() + " (class constant)");
      }
      for (ClassFile.Ref ref : classFile.refs()) {
        if (ref.owner().equals(JUL_LOGGER)) {
          users.add(classFile.name() + " -> " + ref.member());
        }
      }
    });

    assertThat(users).as("classes still naming java.util.logging.Logger").isEmpty();
  }

  @Test
  void jarStaysUnderTwelveMegabytes() throws IOException {
    long size = Files.size(jar);
    System.out.printf("agent jar: %s, %,d bytes (%.2f MB), %d entries, %d classes under inst/%n",
        jar, size, size / (1024.0 * 1024.0), entries.size(), classes.size());

    assertThat(size).as("size of " + jar).isLessThan(MAX_SIZE);
  }
}
