package io.pks.operator.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.TestPairs;
import io.pks.operator.model.Names;
import io.pks.operator.validation.HostileSpecs;
import io.pks.operator.validation.SpecCase;
import io.pks.operator.validation.Violation;

import static org.assertj.core.api.Assertions.assertThat;

class RenderCommandTest {

  @Test
  void rendersEveryObjectOfTheExample() {
    CliRun run = CliRun.of("render", "-f", TestPairs.EXAMPLE.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    List<HasMetadata> objects = Serialization.unmarshal(run.out());
    assertThat(objects).extracting(object -> object.getKind() + "/" + object.getMetadata().getName())
        .containsExactly("Secret/pks-superuser", "Secret/pks-replication",
            "ConfigMap/" + Names.scriptsConfigMap(), "ConfigMap/pks-config",
            "PersistentVolumeClaim/data-pks-site-a-0", "PersistentVolumeClaim/data-pks-site-b-0",
            "StatefulSet/pks-site-a", "StatefulSet/pks-site-b", "Service/pks-site-a", "Service/pks-site-b",
            "Service/pks-seed", "Service/pks-rw", "Service/pks-ro", "Service/pks-sip",
            "PodDisruptionBudget/pks-primary");
    assertThat(objects).filteredOn(Secret.class::isInstance).map(Secret.class::cast)
        .allSatisfy(secret -> assertThat(secret.getData()).doesNotContainKey("password"));
  }

  @Test
  void anInvalidResourceGivesOneLinePerProblemAndNoStackTrace(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, Files.readString(TestPairs.EXAMPLE)
        .replace("primary: site-a", "primary: site-c")
        .replace("walKeepSize: 1GB", "walKeepSize: \"16\""));

    CliRun run = CliRun.of("render", "-f", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines()).containsExactly(
        "spec.primary: must name one of spec.members [site-a, site-b], got \"site-c\"",
        "spec.replication.walKeepSize: must be a size with a unit such as 1GB (kB, MB, GB, TB), got \"16\"");
  }

  @Test
  void aFieldOfTheWrongTypeIsNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, Files.readString(TestPairs.EXAMPLE).replace("port: 5432", "port: [5432]"));

    CliRun run = CliRun.of("render", "-f", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err().lines()).containsExactly("spec.postgres.port: must be an integer, got a list");
  }

  static Stream<SpecCase> hostileCases() {
    // Immutability needs the cluster's objects, which render does not read.
    return HostileSpecs.all().stream().filter(specCase -> specCase.previous() == null);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileCases")
  void aHostileResourceGivesTheOperatorsMessages(SpecCase hostile, @TempDir Path dir) throws Exception {
    Path file = dir.resolve("hostile.json");
    Files.writeString(file, hostile.resource().toString());

    CliRun run = CliRun.of("render", "-f", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err().lines()).containsExactlyElementsOf(hostile.violations().stream()
        .map(Violation::toString).toList());
  }

  @Test
  void aMissingFileIsSaidPlainly() {
    CliRun run = CliRun.of("render", "-f", "no-such-file.yaml");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("no-such-file.yaml").doesNotContain("\tat ");
  }

  @Test
  void everyCommandHasHelp() {
    for (String command : List.of("run", "render", "status", "switchover")) {
      CliRun run = CliRun.of(command, "--help");
      assertThat(run.exitCode()).as(command).isZero();
      assertThat(run.out()).as(command).contains("Usage:");
    }
  }
}
