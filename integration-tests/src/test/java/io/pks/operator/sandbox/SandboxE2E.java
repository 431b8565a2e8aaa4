package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.cli.CliRun;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.Labels;
import io.pks.operator.reconciler.EventReason;
import io.pks.operator.model.Names;
import io.pks.operator.postgres.ProbeCount;

/**
 * The sandbox end to end: the real operator, the embedded API server and real PostgreSQL
 * processes run by the local runtime; one pair bootstrapped, used, faulted and deleted, and a
 * second one whose operator is restarted in the middle of its seed.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SandboxE2E {
  private static final String A = "site-a";
  private static final String B = "site-b";

  private static SandboxFixture fixture;
  private static Path workDir;
  private static Sandbox sandbox;
  private static SandboxPair pair;
  private static final List<Integer> ports = new ArrayList<>();

  @BeforeAll
  static void startSandbox() {
    fixture = SandboxFixture.start("e2e");
    workDir = fixture.workDir;
    sandbox = fixture.sandbox;
  }

  @AfterAll
  static void nothingIsLeftBehind() throws Exception {
    fixture.close();
    assertThat(ports).as("loopback ports still in use")
        .allSatisfy(port -> assertThat(SandboxPair.portFree(port)).isTrue());
  }

  @Test
  @Order(1)
  void theExampleBootstrapsToStreaming() {
    long start = System.nanoTime();
    pair = SandboxPair.create(sandbox, "telephony", json -> { });
    PksReplicaPair streaming = pair.awaitStreaming();
    System.out.printf("TIMING sandbox create -> Streaming: %d ms%n", (System.nanoTime() - start) / 1_000_000);

    assertThat(streaming.getStatus().currentPrimary()).isEqualTo(A);
    assertThat(streaming.getStatus().standby()).isEqualTo(B);
    assertThat(streaming.getStatus().stoppedMembers()).isEmpty();
    assertThat(streaming.getStatus().job()).isNull();
    assertThat(pair.jobs("initdb")).singleElement().satisfies(job -> assertThat(SandboxPair.succeeded(job)).isTrue());
    assertThat(pair.jobs("seed")).singleElement().satisfies(job -> assertThat(SandboxPair.succeeded(job)).isTrue());
    assertThat(pair.pod(A).getMetadata().getLabels()).containsEntry(Labels.ROLE, Labels.ROLE_PRIMARY);
    assertThat(pair.pod(B).getMetadata().getLabels()).containsEntry(Labels.ROLE, Labels.ROLE_STANDBY);
    pair.awaitEvents(EventReason.Streaming);
    List<String> reasons = pair.client().v1().events().inNamespace(pair.namespace).list().getItems().stream()
        // By first occurrence: a repeat moves an Event's lastTimestamp.
        .sorted(java.util.Comparator.comparing(Event::getFirstTimestamp)).map(Event::getReason).toList();
    assertThat(reasons).containsSubsequence(Stream.of(EventReason.InitializingPrimary,
        EventReason.PrimaryInitialized, EventReason.SeedingStandby, EventReason.StandbySeeded, EventReason.Streaming)
        .map(EventReason::name).toList());
    ports.add(pair.member(A).port());
    ports.add(pair.member(B).port());
    ports.add(pair.readWrite().port());
  }

  @Test
  @Order(2)
  void dataWrittenThroughTheReadWriteServiceReachesTheStandbySynchronously() throws SQLException {
    PksReplicaPair synced = pair.awaitStatus("sync", p -> "sync".equals(p.getStatus().replication().syncState()));
    assertThat(synced.getStatus().phase()).isEqualTo(Phase.Streaming);
    try (Connection primary = pair.connect(pair.readWrite()); Statement statement = primary.createStatement()) {
      statement.execute("CREATE TABLE calls (id int PRIMARY KEY, caller text)");
      statement.execute("INSERT INTO calls SELECT i, 'sip:' || i || '@pks' FROM generate_series(1, 100) i");
    }
    // synchronous_commit on and the standby in sync: the commit returned once the standby had it.
    try (Connection standby = pair.connect(pair.member(B)); Statement statement = standby.createStatement();
        ResultSet rows = statement.executeQuery("SELECT count(*), pg_is_in_recovery() FROM calls")) {
      rows.next();
      assertThat(rows.getInt(1)).isEqualTo(100);
      assertThat(rows.getBoolean(2)).isTrue();
    }
  }

  @Test
  @Order(3)
  void kubectlGetShowsTheReplicationStatus() throws IOException {
    pair.awaitStatus("sync", p -> "sync".equals(p.getStatus().replication().syncState()));
    Kubectl kubectl = new Kubectl(sandbox.kubeconfig(), Files.createDirectories(workDir.resolve("kubectl-home")));
    String printed = kubectl.succeed("get", "pksreplicapairs", "-n", pair.namespace);
    assertThat(printed.lines().findFirst().orElseThrow().split("\\s+"))
        .containsExactly("NAME", "PRIMARY", "STANDBY", "SIP", "PHASE", "SYNC", "LAG", "AGE");
    assertThat(Kubectl.table(printed)).singleElement().satisfies(row -> assertThat(row)
        .containsEntry("NAME", "pks").containsEntry("PRIMARY", A).containsEntry("STANDBY", B)
        .containsEntry("SIP", A).containsEntry("PHASE", "Streaming").containsEntry("SYNC", "sync"));
    assertThat(kubectl.succeed("get", "pods", "-n", pair.namespace, "-l", "pks.io/role=primary", "-o", "name"))
        .isEqualTo("pod/pks-site-a-0\n");
  }

  @Test
  @Order(4)
  void kubectlPksStatusShowsRolesAndLag() {
    CliRun run = CliRun.of("status", "pks", "-n", pair.namespace, "--kubeconfig", sandbox.kubeconfig().toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("Phase:").contains("Streaming"))
        .anySatisfy(line -> assertThat(line).startsWith("Primary:").contains(A))
        .anySatisfy(line -> assertThat(line).startsWith("Standby:").contains(B))
        .anySatisfy(line -> assertThat(line).startsWith("Replication: streaming, sync state sync"))
        .anySatisfy(line -> assertThat(line).contains("Lag:").matches(".*Lag: +[0-9.]+ (B|KiB|MiB).*"))
        .anySatisfy(line -> assertThat(line).contains("Slot:").contains("pks_site_b"));
  }

  @Test
  @Order(5)
  void anIdleStreamingPairCostsNoApiWrites() throws SQLException {
    // Settled: the recorded lag in the probe's lowest step (ReplicationObservation.lagBucket, up to
    // 64 KiB), where an idle pair's lag stays. Not 0: a status recorded as the standby was replaying
    // its last record keeps a few KiB, and an idle pair writes no status for what stays in its step.
    pair.awaitStatus("lag within 64 KiB", p -> p.getStatus().replication().lagBytes() != null
        && p.getStatus().replication().lagBytes() <= 64 * 1024);
    try (ProbeCount probes = new ProbeCount(pair.connect(pair.member(A)))) {
      probes.awaitMore(3, SandboxPair.BOUND);
      sandbox.apiServer().clearWrites();
      probes.awaitMore(10, SandboxPair.BOUND);
    }
    assertThat(sandbox.apiServer().writes()).as("writes over ten probes of the primary").isEmpty();
  }

  @Test
  @Order(6)
  void aCrashedMemberIsRestartedLikeTheKubeletWould() {
    int restarts = pair.restartCount(B);
    pair.killPostmaster(B);
    await("restart of " + B).atMost(SandboxPair.BOUND).until(() -> pair.restartCount(B) == restarts + 1);
    await(B + " ready").atMost(SandboxPair.BOUND).until(() -> pair.podReady(B));
    pair.awaitStatus("streaming again", p -> p.getStatus().phase() == Phase.Streaming
        && "streaming".equals(p.getStatus().replication().state()));
  }

  @Test
  @Order(7)
  void aLostNodeKeepsItsMemberDownUntilItReturns() throws Exception {
    pair.nodeDown(B);
    await("node down").atMost(SandboxPair.BOUND)
        .until(() -> !pair.podReady(B) && SandboxPair.portFree(pair.member(B).port()));
    PksReplicaPair degraded = pair.awaitPhase(Phase.Degraded);
    assertThat(degraded.getStatus().message()).contains("site-b is not streaming");
    try (ProbeCount probes = new ProbeCount(pair.connect(pair.member(A)))) {
      // Five probes of the pair: the operator and the runtime kept running meanwhile.
      probes.awaitMore(5, SandboxPair.BOUND);
    }
    assertThat(SandboxPair.portFree(pair.member(B).port())).as("a member on a lost node stays down").isTrue();
    assertThat(pair.pod(B).getStatus().getPhase()).isEqualTo("Unknown");

    pair.nodeBack(B);
    await(B + " ready").atMost(SandboxPair.BOUND).until(() -> pair.podReady(B));
    pair.awaitStatus("streaming again", p -> p.getStatus().phase() == Phase.Streaming
        && "streaming".equals(p.getStatus().replication().state()));
  }

  @Test
  @Order(8)
  void anOperatorRestartedDuringTheSeedConvergesWithOneSeed() {
    SandboxPair second = SandboxPair.create(sandbox, "restart", json -> { });
    second.awaitPhase(Phase.SeedingStandby);
    sandbox.stopOperator();
    await().pollDelay(Duration.ofSeconds(2)).until(() -> true);
    sandbox.startOperator();

    PksReplicaPair streaming = second.awaitStreaming();
    assertThat(streaming.getStatus().currentPrimary()).isEqualTo(A);
    List<Job> seeds = second.jobs("seed");
    assertThat(seeds).as("seed Jobs").singleElement()
        .satisfies(job -> assertThat(SandboxPair.succeeded(job)).isTrue());
    assertThat(second.jobs("initdb")).hasSize(1);
    ports.add(second.member(A).port());
    ports.add(second.member(B).port());
  }

  @Test
  @Order(9)
  void deletingARetainedPairStopsPostgresAndKeepsTheData() {
    Path dataA = pair.pgdata(A);
    Path dataB = pair.pgdata(B);
    pair.deleteAndAwaitStopped();
    assertThat(pair.client().apps().statefulSets().inNamespace(pair.namespace).list().getItems()).isEmpty();
    assertThat(pair.client().persistentVolumeClaims().inNamespace(pair.namespace).list().getItems())
        .extracting(claim -> claim.getMetadata().getName())
        .containsExactlyInAnyOrder(Names.dataClaim(pair.name, A), Names.dataClaim(pair.name, B));
    assertThat(dataA.resolve("PG_VERSION")).exists();
    assertThat(dataB.resolve("standby.signal")).exists();
    assertThat(pair.client().secrets().inNamespace(pair.namespace).list().getItems()).hasSize(2);
  }
}
