package io.pks.operator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.pks.operator.TestPairs;
import io.pks.operator.sandbox.EmbeddedApiServer;

/**
 * {@code run --log-format json} of the operator's jar against the embedded API server: every line
 * is a JSON object, and every line about the pair carries its namespace and name.
 */
class JsonLogIT {
  private static final Path JAR = Path.of("operator/target/pks-operator.jar");
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyLineIsJsonAndLinesAboutThePairNameIt(@TempDir Path dir) throws Exception {
    try (EmbeddedApiServer apiServer = new EmbeddedApiServer()) {
      Path kubeconfig = apiServer.writeKubeconfig(dir.resolve("kubeconfig"));
      Path log = dir.resolve("operator.log");
      ProcessBuilder builder = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-jar", JAR.toAbsolutePath().toString(), "run", "--log-format", "json", "--health-port", "0",
          "--metrics-port", "0", "--namespace", "telephony"))
          .redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().put("KUBECONFIG", kubeconfig.toString());
      Process operator = builder.start();
      try {
        apiServer.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("telephony")
            .endMetadata().build()).create();
        apiServer.client().resource(TestPairs.example()).create();
        // The operator records the first step of the bootstrap as an Event, and logs it.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(lines(log))
            .anySatisfy(line -> assertThat(line.path("formattedMessage").asText()).contains("event Normal")));
      } finally {
        operator.destroy();
        assertThat(operator.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }

      List<JsonNode> lines = lines(log);
      assertThat(lines).allSatisfy(line -> assertThat(line.path("level").asText()).isNotEmpty());
      assertThat(lines).filteredOn(line -> line.path("formattedMessage").asText().startsWith("telephony/pks:"))
          .isNotEmpty()
          .allSatisfy(line -> {
            assertThat(line.path("mdc").path("namespace").asText()).isEqualTo("telephony");
            assertThat(line.path("mdc").path("pair").asText()).isEqualTo("pks");
          });
    }
  }

  /** Each line parsed as JSON: one that is not fails the test. */
  private static List<JsonNode> lines(Path log) throws Exception {
    return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).map(line -> {
      try {
        return JSON.readTree(line);
      } catch (Exception e) {
        throw new AssertionError("not a JSON line: " + line, e);
      }
    }).toList();
  }
}
