package dev.spillway.agent.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpringBootServiceNameTest {

  @TempDir
  Path dir;

  private final Properties properties = new Properties();
  private Map<String, String> environment = Map.of();
  private ClassLoader classPath = new URLClassLoader(new URL[0], null);

  private SpringBootServiceName detector() {
    return new SpringBootServiceName(environment::get, properties, dir.resolve("work"), classPath);
  }

  @Test
  void nothingSetNothingFound() throws IOException {
    Files.createDirectories(dir.resolve("work"));
    assertThat(detector().find()).isNull();
    Resource unknown = Resource.getDefault();
    assertThat(detector().apply(unknown)).isSameAs(unknown);
  }

  @Test
  void theExecutableJarsApplicationYamlNested() throws IOException {
    Path jar = dir.resolve("service.jar");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      zip.putNextEntry(new ZipEntry("BOOT-INF/classes/application.yml"));
      zip.write("server:\n  port: 8080\nspring:\n  application:\n    name: orders\n".getBytes(StandardCharsets.UTF_8));
      zip.closeEntry();
    }
    properties.setProperty("java.class.path", jar.toString());
    assertThat(detector().find()).isEqualTo("orders");
  }

  @Test
  void theClassPathsPropertiesBeforeTheWorkingDirectoryAndYaml() throws IOException {
    Path classes = Files.createDirectories(dir.resolve("classes"));
    Files.writeString(classes.resolve("application.properties"), "spring.application.name = billing\n");
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.writeString(work.resolve("application.properties"), "spring.application.name=other\n");
    Files.writeString(classes.resolve("application.yml"), "spring.application.name: third\n");
    classPath = new URLClassLoader(new URL[] {classes.toUri().toURL()}, null);
    assertThat(detector().find()).isEqualTo("billing");
  }

  @Test
  void theWorkingDirectorysConfigFolderThenTheArgument() throws IOException {
    Path config = Files.createDirectories(dir.resolve("work").resolve("config"));
    properties.setProperty("sun.java.command", "app.jar --server.port=0 --spring.application.name=from-args");
    assertThat(detector().find()).isEqualTo("from-args");
    Files.writeString(config.resolve("application.yaml"), "spring:\n  application:\n    name: from-file\n");
    assertThat(detector().find()).isEqualTo("from-file");
  }

  @Test
  void theEnvironmentThenTheSystemPropertyComeFirst() throws IOException {
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.writeString(work.resolve("application.properties"), "spring.application.name=from-file\n");
    properties.setProperty("spring.application.name", "from-property");
    assertThat(detector().find()).isEqualTo("from-property");
    environment = Map.of("SPRING_APPLICATION_NAME", "from-environment");
    assertThat(detector().find()).isEqualTo("from-environment");
  }

  @Test
  void aFileThatCannotBeParsedIsPassedOver() throws IOException {
    Path work = Files.createDirectories(dir.resolve("work"));
    Files.writeString(work.resolve("application.yml"), "spring: [unclosed\n  : : :\n");
    Files.writeString(work.resolve("application.yaml"), "spring:\n  application:\n    name: [a, list]\n");
    try (OutputStream out = Files.newOutputStream(work.resolve("application.properties"))) {
      out.write(new byte[] {'\\', 'u', 'z', 'z'}); // a malformed \\u escape
    }
    properties.setProperty("sun.java.command", "Main --spring.application.name=fallback");
    assertThat(detector().find()).isEqualTo("fallback");
  }

  @Test
  void aServiceNameSetTheOpenTelemetryWayIsKept() throws IOException {
    environment = Map.of("SPRING_APPLICATION_NAME", "orders");
    Resource named = Resource.create(Attributes.of(SpringBootServiceName.SERVICE_NAME, "orders-service"));
    assertThat(detector().apply(named)).isSameAs(named);
    Resource applied = detector().apply(Resource.getDefault());
    assertThat(applied.getAttribute(SpringBootServiceName.SERVICE_NAME)).isEqualTo("orders");
    assertThat(applied.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey("telemetry.sdk.name")))
        .isEqualTo("opentelemetry");
  }
}
