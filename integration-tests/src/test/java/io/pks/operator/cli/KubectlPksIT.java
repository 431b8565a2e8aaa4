package io.pks.operator.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.MockCluster;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code kubectl pks status} and {@code switchover} against the mock API server, through a kubeconfig. */
class KubectlPksIT {
  private static final String NS = "telephony";

  @TempDir
  Path dir;

  private MockCluster cluster;
  private KubernetesClient client;
  private Path kubeconfig;

  @BeforeEach
  void start() throws IOException {
    cluster = new MockCluster();
    client = cluster.client();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    kubeconfig = kubeconfig(client.getMasterUrl().toString(), NS);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  /** A kubeconfig whose current context is the mock API server, in {@code namespace}. */
  private Path kubeconfig(String server, String namespace) throws IOException {
    Path file = dir.resolve("kubeconfig-" + namespace);
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters: [{name: mock, cluster: {server: "%s"}}]
        users: [{name: tester, user: {token: not-checked}}]
        contexts: [{name: mock, context: {cluster: mock, user: tester, namespace: %s}}]
        current-context: mock
        """.formatted(server, namespace));
    return file;
  }

  private CliRun run(String... args) {
    List<String> arguments = new ArrayList<>(List.of(args));
    arguments.addAll(List.of("--kubeconfig", kubeconfig.toString()));
    return CliRun.of(arguments.toArray(String[]::new));
  }

  private void createStreamingPair() {
    PksReplicaPair pair = client.resource(TestPairs.example()).create();
    pair.setStatus(TestPairs.withStatus(TestPairs.STREAMING_STATUS).getStatus());
    client.resource(pair).patchStatus();
  }

  private PksReplicaPair pair() {
    return client.resources(PksReplicaPair.class).inNamespace(NS).withName("pks").get();
  }

  private void createPod(String name, String role, boolean ready) {
    client.resource(new PodBuilder().withNewMetadata().withName(name).withNamespace(NS)
        .addToLabels("pks.io/role", role).endMetadata()
        .withNewSpec().addNewContainer().withName("postgres").withImage("postgres:16").endContainer().endSpec()
        .withNewStatus().addNewContainerStatus().withName("postgres").withReady(ready).endContainerStatus().endStatus()
        .build()).create();
  }

  private void createEvent(String name, String kind, String object, int minutesAgo, String reason, String message) {
    client.resource(new EventBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata()
        .withNewInvolvedObject().withKind(kind).withName(object).withNamespace(NS).endInvolvedObject()
        .withType("Normal").withReason(reason).withMessage(message)
        .withLastTimestamp(Instant.now().minusSeconds(60L * minutesAgo).toString())
        .build()).create();
  }

  @Test
  void statusShowsAStreamingPairOnOneScreen() {
    createStreamingPair();
    createPod("pks-site-a-0", "primary", true);
    createPod("pks-site-b-0", "standby", false);
    for (int i = 1; i <= 6; i++) {
      createEvent("pks." + i, "PksReplicaPair", "pks", 60 - i, "Step" + i, "step " + i + " of the pair");
    }
    createEvent("other.1", "PksReplicaPair", "other", 1, "Elsewhere", "another pair's event");

    CliRun result = run("status", "pks", "-n", NS);

    assertThat(result.err()).isEmpty();
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("""
        Pair:          telephony/pks
        Phase:         Streaming: Primary site-a streams to standby site-b.
        Primary:       site-a (desired: site-a)
        Standby:       site-b
        SIP site:      site-a (FollowPrimary)
        Timeline:      3
        Failover:      Automatic, after 5 s without the primary
        Synchronous:   Required

        Replication: streaming, sync state sync
          Sent LSN:    0/3000148
          Replay LSN:  0/3000000
          Lag:         328 B, 0.25 s
          Slot:        pks_site_b
          Observed:    2026-11-25T10:00:00Z

        Members:
          NAME    ROLE     POD           READY  POD ROLE LABEL
          site-a  primary  pks-site-a-0  1/1    primary
          site-b  standby  pks-site-b-0  0/1    standby

        Conditions:
          TYPE       STATUS  REASON     MESSAGE
          SpecValid  True    Valid      The spec is valid.
          Ready      True    Streaming  Primary site-a streams to standby site-b.

        Events (last 5 of 6):
          AGE  TYPE    REASON  MESSAGE
          58m  Normal  Step2   step 2 of the pair
          57m  Normal  Step3   step 3 of the pair
          56m  Normal  Step4   step 4 of the pair
          55m  Normal  Step5   step 5 of the pair
          54m  Normal  Step6   step 6 of the pair
        """);
  }

  @Test
  void statusOfAPairNotProbedYetTakesTheNamespaceFromTheContext() {
    client.resource(TestPairs.example()).create();

    CliRun result = run("status", "pks");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains(
        "Phase:         -\n",
        "Replication: not probed yet\n",
        "  site-a  -     pks-site-a-0 (absent)  -      -\n",
        "Conditions:\n  none\n",
        "Events:\n  none\n");
  }

  @Test
  void statusOfAMissingPairSaysSo() {
    CliRun result = run("status", "nope", "-n", NS);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("pksreplicapair telephony/nope not found\n");
  }

  @Test
  void anUnreachableApiServerIsOneLineNotAStackTrace() throws IOException {
    cluster.close();

    CliRun result = run("status", "pks");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("status: ").hasLineCount(1);
  }

  @Test
  void switchoverAsksWithAnAnnotationAndLeavesTheSpecAsWritten() {
    createStreamingPair();
    cluster.clearWrites();

    CliRun result = run("switchover", "pks", "--to", "site-b", "-n", NS);

    assertThat(result.err()).isEmpty();
    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("""
        Switchover of telephony/pks requested: primary site-a -> site-b.
        Follow it with: kubectl pks status pks -n telephony
        """);
    assertThat(pair().getMetadata().getAnnotations()).containsEntry("pks.io/switchover", "site-b");
    assertThat(pair().getSpec()).isEqualTo(TestPairs.example().getSpec());
    assertThat(pair().getSpec().members()).isEqualTo(TestPairs.example().getSpec().members());
    assertThat(cluster.writes()).extracting(write -> write.method() + " " + write.path())
        .containsExactly("PATCH /apis/pks.io/v1alpha1/namespaces/telephony/pksreplicapairs/pks");
  }

  @Test
  void switchoverRefusesAMemberThePairDoesNotHave() {
    createStreamingPair();
    cluster.clearWrites();

    CliRun result = run("switchover", "pks", "--to", "site-c", "-n", NS);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("site-c is not a member of telephony/pks: choose one of [site-a, site-b]\n");
    assertThat(cluster.writes()).isEmpty();
  }

  @Test
  void switchoverToTheCurrentPrimaryChangesNothing() {
    createStreamingPair();
    cluster.clearWrites();

    CliRun result = run("switchover", "pks", "--to", "site-a", "-n", NS);

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("site-a is already the primary of telephony/pks; nothing to do.\n");
    assertThat(cluster.writes()).isEmpty();
  }

  @Test
  void switchoverOfAPairThatIsNotStreamingWarnsAndLeavesTheDecisionToTheOperator() {
    client.resource(TestPairs.example()).create();

    CliRun result = run("switchover", "pks", "--to", "site-b", "-n", NS);

    assertThat(result.exitCode()).isZero();
    assertThat(result.err()).isEqualTo("note: telephony/pks is not yet reconciled; the operator switches over only"
        + " from Streaming, with the standby caught up.\n");
    assertThat(pair().getMetadata().getAnnotations()).containsEntry("pks.io/switchover", "site-b");
  }

  @Test
  void reseedAsksForTheStandbyWithANewRequestEachTime() {
    createStreamingPair();
    cluster.clearWrites();

    CliRun result = run("reseed", "pks", "--member", "site-b", "-n", NS);

    assertThat(result.err()).isEmpty();
    assertThat(result.exitCode()).isZero();
    String request = pair().getMetadata().getAnnotations().get("pks.io/reseed");
    assertThat(request).matches("site-b/\\d{4}-\\d{2}-\\d{2}T.*Z");
    assertThat(result.out()).isEqualTo("Re-seed of site-b in telephony/pks requested (" + request + ").\n"
        + "Follow it with: kubectl pks status pks -n telephony\n");
    assertThat(pair().getSpec()).isEqualTo(TestPairs.example().getSpec());
    assertThat(cluster.writes()).extracting(write -> write.method() + " " + write.path())
        .containsExactly("PATCH /apis/pks.io/v1alpha1/namespaces/telephony/pksreplicapairs/pks");
  }

  @Test
  void restartAsksForBothMembersWithANewRequestEachTime() {
    createStreamingPair();
    cluster.clearWrites();

    CliRun result = run("restart", "pks", "-n", NS);

    assertThat(result.err()).isEmpty();
    assertThat(result.exitCode()).isZero();
    String request = pair().getMetadata().getAnnotations().get("pks.io/restart");
    assertThat(request).matches("/\\d{4}-\\d{2}-\\d{2}T.*Z");
    assertThat(result.out()).isEqualTo("Rolling restart of both members of telephony/pks requested (" + request
        + ").\nFollow it with: kubectl pks status pks -n telephony\n");
    assertThat(pair().getSpec()).isEqualTo(TestPairs.example().getSpec());
    assertThat(cluster.writes()).extracting(write -> write.method() + " " + write.path())
        .containsExactly("PATCH /apis/pks.io/v1alpha1/namespaces/telephony/pksreplicapairs/pks");
  }

  @Test
  void restartOfOneMemberNamesIt() {
    createStreamingPair();

    CliRun result = run("restart", "pks", "--member", "site-a", "-n", NS);

    assertThat(result.exitCode()).as(result.err()).isZero();
    assertThat(pair().getMetadata().getAnnotations().get("pks.io/restart")).startsWith("site-a/");
  }

  @Test
  void restartOfAPairThatIsNotHealthyIsRefused() {
    PksReplicaPair pair = client.resource(TestPairs.example()).create();
    pair.setStatus(TestPairs.withStatus(TestPairs.STREAMING_STATUS).getStatus().toBuilder().phase(Phase.Degraded)
        .build());
    client.resource(pair).patchStatus();
    cluster.clearWrites();

    CliRun result = run("restart", "pks", "-n", NS);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("Restart of both members of telephony/pks refused: the pair is not healthy"
        + " (Degraded); a rolling restart begins only while it is Streaming, so that one member always serves.\n");
    assertThat(cluster.writes()).isEmpty();
  }

  @Test
  void reloadAsksWithANewRequestEachTime() {
    createStreamingPair();

    CliRun result = run("reload", "pks", "-n", NS);

    assertThat(result.exitCode()).as(result.err()).isZero();
    String request = pair().getMetadata().getAnnotations().get("pks.io/reload");
    assertThat(request).matches("\\d{4}-\\d{2}-\\d{2}T.*Z");
    assertThat(result.out()).startsWith("Reload of telephony/pks requested (" + request + ").");
  }

  @Test
  void fenceAddsTheMemberToTheAnnotationAndUnfenceRemovesIt() {
    createStreamingPair();

    CliRun fence = run("fence", "pks", "--member", "site-a", "--force", "-n", NS);
    assertThat(fence.exitCode()).as(fence.err()).isZero();
    assertThat(pair().getMetadata().getAnnotations()).containsEntry("pks.io/fence", "site-a/force");
    assertThat(fence.out()).startsWith("Fence of site-a in telephony/pks requested (pks.io/fence: site-a/force).");

    CliRun unfence = run("unfence", "pks", "--member", "site-a", "-n", NS);
    assertThat(unfence.exitCode()).as(unfence.err()).isZero();
    assertThat(pair().getMetadata().getAnnotations()).doesNotContainKey("pks.io/fence");
    assertThat(pair().getSpec()).isEqualTo(TestPairs.example().getSpec());
  }

  @Test
  void fenceRefusesThePrimaryAndARequiredStandbyWithoutForce() {
    createStreamingPair();
    cluster.clearWrites();

    CliRun primary = run("fence", "pks", "--member", "site-a", "-n", NS);
    CliRun standby = run("fence", "pks", "--member", "site-b", "-n", NS);

    assertThat(primary.exitCode()).isEqualTo(1);
    assertThat(primary.err()).isEqualTo("Fencing site-a in telephony/pks refused: site-a is the primary: fencing it"
        + " leaves no writable primary (writes stop until it is unfenced, and a fenced member is never failed over"
        + " from). Switch over first, or fence it with --force.\n");
    assertThat(standby.exitCode()).isEqualTo(1);
    assertThat(standby.err()).isEqualTo("Fencing site-b in telephony/pks refused: synchronous: Required, so every"
        + " commit would wait for site-b while it is fenced, leaving no writable primary. Set"
        + " spec.replication.synchronous: Preferred first, or fence it with --force.\n");
    assertThat(cluster.writes()).isEmpty();
  }

  @Test
  void reseedRefusesThePrimary() {
    createStreamingPair();
    cluster.clearWrites();

    CliRun result = run("reseed", "pks", "--member", "site-a", "-n", NS);

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).isEqualTo("site-a is the primary of telephony/pks: only the standby can be re-seeded"
        + " (switch over first to re-seed site-a).\n");
    assertThat(cluster.writes()).isEmpty();
  }

  @Test
  void psqlRefusesAMemberWithoutARunningPodOrNotOfThePair() {
    createStreamingPair();
    CliRun noPod = run("psql", "pks", "--member", "site-b");
    assertThat(noPod.exitCode()).isEqualTo(1);
    assertThat(noPod.err()).isEqualTo("site-b of telephony/pks has no running pod (pks-site-b-0 does not exist):"
        + " psql needs one.\n");
    CliRun notAMember = run("psql", "pks", "--member", "site-z");
    assertThat(notAMember.exitCode()).isEqualTo(1);
    assertThat(notAMember.err()).startsWith("site-z is not a member of telephony/pks");
  }
}
