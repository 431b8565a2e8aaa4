package io.pks.operator.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.TestPairs;

import static org.assertj.core.api.Assertions.assertThat;

class RenderCommandTest {

  @Test
  void rendersEveryObjectOfTheExample() {
    CliRun run = CliRun.of("render", "-f", TestPairs.EXAMPLE.toString());

    assertThat(run.exitCode()).isZero();
    assertThat(run.err()).isEmpty();
    List<HasMetadata> objects = Serialization.unmarshal(run.out());
    assertThat(objects).extracting(object -> object.getKind() + "/" + object.getMetadata().getName())
        .containsExactly("Secret/pks-superuser", "Secret/pks-replication", "ConfigMap/pks-config",
            "StatefulSet/pks-site-a", "StatefulSet/pks-site-b", "Service/pks-site-a", "Service/pks-site-b",
            "Service/pks-rw", "Service/pks-ro", "Service/pks-sip");
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

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("spec.postgres.port").doesNotContain("\tat ");
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
