package dev.spillway.agent.telemetry;

import dev.spillway.agent.AgentLog;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * {@code service.name} for a Spring Boot application that names itself the Spring way only
 * ({@code spring.application.name}) and not the OpenTelemetry way: the OpenTelemetry Java agent
 * reports such a service under that name, so Spillway does too, else its metrics would land under
 * {@code unknown_service:java} beside the agent's spans of the same service. Looked for where that
 * agent looks, in its order, the first found wins: the {@code SPRING_APPLICATION_NAME} variable,
 * the {@code spring.application.name} system property, {@code application.properties} on the class
 * path (in an executable jar, under {@code BOOT-INF/classes}) then in the working directory, then
 * {@code application.yml} / {@code .yaml} the same way, then a {@code --spring.application.name=}
 * argument. A name set the OpenTelemetry way ({@code OTEL_SERVICE_NAME}, or {@code service.name}
 * in {@code OTEL_RESOURCE_ATTRIBUTES}) is never replaced. Profiles and other config locations are
 * not read. A file that cannot be read or parsed is passed over.
 */
final class SpringBootServiceName {

  static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");
  private static final String PROPERTY = "spring.application.name";
  /** A configuration file larger than this is not read (no application's is). */
  private static final long MAX_FILE_BYTES = 1 << 20;

  private final UnaryOperator<String> environment;
  private final Properties systemProperties;
  private final Path workingDirectory;
  private final ClassLoader classPath;

  SpringBootServiceName(UnaryOperator<String> environment, Properties systemProperties, Path workingDirectory,
      ClassLoader classPath) {
    this.environment = environment;
    this.systemProperties = systemProperties;
    this.workingDirectory = workingDirectory;
    this.classPath = classPath;
  }

  /** This JVM's: its environment, properties, working directory and class path. */
  static SpringBootServiceName ofThisJvm() {
    return new SpringBootServiceName(System::getenv, System.getProperties(), Path.of(""),
        ClassLoader.getSystemClassLoader());
  }

  /** {@code resource} with the Spring application's name, when it has no service name of its own. */
  Resource apply(Resource resource) {
    String current = resource.getAttribute(SERVICE_NAME);
    if (current != null && !current.startsWith("unknown_service")) {
      return resource;
    }
    String name;
    try {
      name = find();
    } catch (RuntimeException e) {
      AgentLog.debug("could not look for spring.application.name", e);
      return resource;
    }
    return name == null ? resource : resource.merge(Resource.create(Attributes.of(SERVICE_NAME, name)));
  }

  /** The application's {@code spring.application.name}; null when it sets none that is found. */
  String find() {
    String name = nonBlank(environment.apply("SPRING_APPLICATION_NAME"));
    if (name == null) {
      name = nonBlank(systemProperties.getProperty(PROPERTY));
    }
    for (String file : List.of("application.properties", "application.yml", "application.yaml")) {
      if (name == null) {
        name = fromClassPath(file);
      }
      if (name == null) {
        name = fromWorkingDirectory(file);
      }
    }
    return name != null ? name : fromArguments();
  }

  /**
   * {@code file} as the application's class path has it, through the class loader that reads it
   * (which opens its jars once, for the application too); in an executable jar run with
   * {@code -jar}, under {@code BOOT-INF/classes}, where Spring Boot's launcher finds it.
   */
  private String fromClassPath(String file) {
    try {
      URL found = classPath.getResource(file);
      if (found != null) {
        try (InputStream in = found.openStream()) {
          return parse(file, read(in));
        }
      }
    } catch (IOException | RuntimeException e) {
      AgentLog.debug("could not read " + file + " from the class path: " + e);
    }
    String path = systemProperties.getProperty("java.class.path", "");
    return path.endsWith(".jar") && !path.contains(File.pathSeparator) ? fromJar(Path.of(path), file) : null;
  }

  private static String fromJar(Path jar, String file) {
    if (!Files.isRegularFile(jar)) {
      return null;
    }
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      ZipEntry entry = zip.getEntry("BOOT-INF/classes/" + file);
      if (entry != null) {
        try (InputStream in = zip.getInputStream(entry)) {
          return parse(file, read(in));
        }
      }
    } catch (IOException | RuntimeException e) {
      AgentLog.debug("could not read " + file + " in " + jar + ": " + e);
    }
    return null;
  }

  /** At most {@link #MAX_FILE_BYTES} of it: no application's configuration is larger. */
  private static String read(InputStream in) throws IOException {
    return new String(in.readNBytes((int) MAX_FILE_BYTES), StandardCharsets.UTF_8);
  }

  private String fromWorkingDirectory(String file) {
    String name = fromFile(workingDirectory.resolve(file));
    return name != null ? name : fromFile(workingDirectory.resolve("config").resolve(file));
  }

  private static String fromFile(Path path) {
    try {
      if (!Files.isRegularFile(path) || Files.size(path) > MAX_FILE_BYTES) {
        return null;
      }
      return parse(path.getFileName().toString(), Files.readString(path));
    } catch (IOException | RuntimeException e) {
      AgentLog.debug("could not read " + path + ": " + e);
      return null;
    }
  }

  /** The name in the text of a {@code .properties} or YAML file; null for none. */
  private static String parse(String file, String text) throws IOException {
    if (file.endsWith(".properties")) {
      Properties properties = new Properties();
      properties.load(new StringReader(text));
      return nonBlank(properties.getProperty(PROPERTY));
    }
    // The first document; both spring: application: name: and the flat key.
    Object document = new Load(LoadSettings.builder().setMaxAliasesForCollections(10).build()).loadFromString(text);
    if (!(document instanceof Map)) {
      return null;
    }
    Object flat = ((Map<?, ?>) document).get(PROPERTY);
    if (flat != null) {
      return nonBlank(flat.toString());
    }
    Object node = document;
    for (String key : PROPERTY.split("\\.")) {
      if (!(node instanceof Map)) {
        return null;
      }
      node = ((Map<?, ?>) node).get(key);
    }
    return node == null || node instanceof Map || node instanceof List ? null : nonBlank(node.toString());
  }

  private String fromArguments() {
    String command = systemProperties.getProperty("sun.java.command", "");
    String prefix = "--" + PROPERTY + "=";
    for (String argument : command.split(" ")) {
      if (argument.startsWith(prefix)) {
        return nonBlank(argument.substring(prefix.length()));
      }
    }
    return null;
  }

  private static String nonBlank(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
