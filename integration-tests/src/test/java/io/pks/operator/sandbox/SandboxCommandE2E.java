package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.pks.operator.TestPairs;
import io.pks.operator.cli.CliRun;

/** The README's first command: {@code pks-sandbox.jar --exit-when-ready} on the example. */
class SandboxCommandE2E {

  @Test
  void theExampleReachesStreamingAndTheSandboxStopsEverything() throws Exception {
    Path workDir = Files.createTempDirectory("pks-sandbox-cli-");
    CliRun run = CliRun.of(SandboxCommand.commandLine(), "--exit-when-ready", "--work-dir", workDir.toString(),
        "-f", TestPairs.EXAMPLE.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("InitializingPrimary", "SeedingStandby")
        .contains("Streaming            Primary site-a streams to standby site-b synchronously.")
        .contains("kubeconfig: " + workDir.resolve("kubeconfig"))
        .as("the README's command runs the network mode as root").contains("network: CLUSTER")
        .containsPattern("Metrics of the operator: http://127\\.0\\.0\\.1:[0-9]+/metrics")
        .containsPattern("Metrics of pod telephony/pks-site-a-0: http://10\\.244\\.[0-9.]+:[0-9]+/metrics")
        .containsPattern("Metrics of pod telephony/pks-site-b-0: http://10\\.244\\.[0-9.]+:[0-9]+/metrics");
    String table = run.out().substring(run.out().indexOf("$ kubectl get pksreplicapairs -n telephony"));
    assertThat(table.lines().skip(1).findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "PRIMARY", "STANDBY", "SIP", "PHASE", "SYNC", "LAG", "AGE");
    assertThat(table.lines().skip(2).findFirst().orElseThrow().split("\\s+"))
        .startsWith("pks", "site-a", "site-b", "site-a", "Streaming", "sync", "0");
    assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(workDir.resolve("sandbox.log")).content().contains("telephony/pks: phase Streaming");
    LocalContainer.deleteRecursively(workDir);
  }

  @Test
  void anInvalidResourceIsRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.yaml");
    Files.writeString(file, Files.readString(TestPairs.EXAMPLE).replace("primary: site-a", "primary: site-c"));
    CliRun run = CliRun.of(SandboxCommand.commandLine(), "--exit-when-ready", "--work-dir", dir.resolve("work").toString(),
        "-f", file.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("spec.primary: must name one of spec.members [site-a, site-b], got \"site-c\"");
    assertThat(dir.resolve("work")).doesNotExist();
  }

  @Test
  void operatorReplicasAndLeaseTimingsOutOfRangeAreRefusedBeforeAnythingStarts(@TempDir Path dir) throws Exception {
    CliRun none = CliRun.of(SandboxCommand.commandLine(), "--exit-when-ready", "--work-dir",
        dir.resolve("none").toString(), "-f", TestPairs.EXAMPLE.toString(), "--operators", "0");
    assertThat(none.exitCode()).isEqualTo(2);
    assertThat(none.err()).contains("--operators must be at least 1, not 0");
    CliRun outOfOrder = CliRun.of(SandboxCommand.commandLine(), "--exit-when-ready", "--work-dir",
        dir.resolve("order").toString(), "-f", TestPairs.EXAMPLE.toString(), "--operators", "2",
        "--lease-duration", "3s", "--renew-deadline", "4s");
    assertThat(outOfOrder.exitCode()).isEqualTo(2);
    assertThat(outOfOrder.err()).contains("renew deadline (PT4S) < lease duration (PT3S)");
    assertThat(dir.resolve("none")).doesNotExist();
    assertThat(dir.resolve("order")).doesNotExist();
  }
}
