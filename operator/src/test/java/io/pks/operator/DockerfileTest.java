package io.pks.operator;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What can be checked of the Dockerfile without a container engine (none on the build machines):
 * the runtime stage and what the chart relies on.
 */
class DockerfileTest {

  @Test
  void theRuntimeStageRunsOnlyTheJarAsANumericNonRootUser() throws Exception {
    // The build stage builds the operator module alone: the sandbox and test kit never reach the image.
    assertThat(Files.readAllLines(Path.of("Dockerfile"))).contains("RUN mvn -B -q -pl operator -DskipTests package");
    List<String> lines = Files.readAllLines(Path.of("Dockerfile"));
    int runtimeStage = IntStream.range(0, lines.size()).filter(i -> lines.get(i).startsWith("FROM ")).max()
        .orElseThrow();
    List<String> runtime = lines.subList(runtimeStage, lines.size());

    assertThat(runtime.get(0)).isEqualTo("FROM debian:bookworm-slim");
    assertThat(runtime).filteredOn(line -> line.startsWith("COPY ")).containsExactly(
        "COPY --from=runtime /opt/java /opt/java",
        "COPY --from=build /src/operator/target/pks-operator.jar /opt/pks-operator/pks-operator.jar");
    // The kubelet checks runAsNonRoot only against a numeric user.
    assertThat(runtime).filteredOn(line -> line.startsWith("USER ")).singleElement()
        .satisfies(user -> assertThat(user).matches("USER [1-9][0-9]*:[1-9][0-9]*"));
    assertThat(runtime).contains(
        "ENTRYPOINT [\"/opt/java/bin/java\", \"-jar\", \"/opt/pks-operator/pks-operator.jar\"]");
    assertThat(runtime).noneMatch(line -> line.startsWith("RUN "));
  }
}
