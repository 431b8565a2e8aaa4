package io.pks.operator.postgres;

import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.pks.operator.MockCluster;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.model.LoopbackNetwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The operator against the mock API server, probing a real streaming pair on loopback: the status
 * shows roles, timeline, replication state and lag as PostgreSQL reports them, and is written only
 * when something meaningful changes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicationStatusIT {
  private static final Duration BOUND = Duration.ofSeconds(30);

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  private static LocalPair pair;
  private static MockCluster cluster;
  private static KubernetesClient client;
  private static String namespace;

  @BeforeAll
  static void streamingPairWatchedByTheOperator() throws Exception {
    pair = POSTGRES.newStreamingPair();

    cluster = new MockCluster();
    client = cluster.client();
    namespace = pair.resource.getMetadata().getNamespace();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata()
        .build()).create();
    client.resource(new SecretBuilder().withNewMetadata().withName("local-superuser").withNamespace(namespace)
        .endMetadata()
        .addToStringData("username", pair.superuser.user())
        .addToStringData("password", new String(pair.superuser.password()))
        .build()).create();
    ObjectNode json = Serialization.jsonMapper().valueToTree(pair.resource);
    ((ObjectNode) json.get("spec").get("postgres")).put("superuserSecret", "local-superuser");
    client.resource(Serialization.jsonMapper().treeToValue(json, PksReplicaPair.class)).create();
    // The operator restarted on a pair it had bootstrapped: its status says so.
    client.resources(PksReplicaPair.class).inNamespace(namespace).withName(LocalPair.NAME).editStatus(p -> {
      p.setStatus(PksReplicaPairStatus.builder().observedGeneration(1L).phase(Phase.Streaming)
          .currentPrimary(LocalPair.SITE_A).standby(LocalPair.SITE_B).activeSip(LocalPair.SITE_A)
          .message("bootstrapped").build());
      return p;
    });
    cluster.startOperator(new LoopbackNetwork(Map.of(
        LocalPair.SITE_A, pair.siteA.port, LocalPair.SITE_B, pair.siteB.port)));
  }

  @AfterAll
  static void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static PksReplicaPair awaitStatus(Predicate<PksReplicaPair> condition) {
    await().atMost(BOUND).pollInterval(Duration.ofMillis(100)).until(
        () -> client.resources(PksReplicaPair.class).inNamespace(namespace).withName(LocalPair.NAME).get(),
        p -> p != null && p.getStatus() != null && condition.test(p));
    return client.resources(PksReplicaPair.class).inNamespace(namespace).withName(LocalPair.NAME).get();
  }

  private static String condition(PksReplicaPair p, String type) {
    return p.getStatus().conditions().stream().filter(c -> c.getType().equals(type))
        .map(c -> c.getStatus() + ": " + c.getMessage()).findFirst().orElse("absent");
  }

  @Test
  @Order(1)
  void statusShowsTheStreamingPair() {
    PksReplicaPair streaming = awaitStatus(p -> p.getStatus().phase() == Phase.Streaming
        && p.getStatus().replication() != null);

    assertThat(streaming.getStatus().currentPrimary()).isEqualTo(LocalPair.SITE_A);
    assertThat(streaming.getStatus().standby()).isEqualTo(LocalPair.SITE_B);
    assertThat(streaming.getStatus().timeline()).isEqualTo(1L);
    assertThat(streaming.getStatus().replication().state()).isEqualTo("streaming");
    // The spec's default, Preferred: the operator made the streaming standby synchronous.
    PksReplicaPair synchronous = awaitStatus(p -> "sync".equals(p.getStatus().replication().syncState()));
    assertThat(synchronous.getStatus().phase()).isEqualTo(Phase.Streaming);
    assertThat(synchronous.getStatus().replication().synchronousStandbyNames())
        .as("read from the primary, not inferred").isEqualTo("FIRST 1 (\"site-b\")");
    assertThat(streaming.getStatus().replication().slot()).isEqualTo("pks_site_b");
    assertThat(streaming.getStatus().replication().sentLsn()).matches("[0-9A-F]+/[0-9A-F]+");
    assertThat(streaming.getStatus().replication().lagBytes()).isNotNull();
    assertThat(condition(synchronous, "Replicating")).isEqualTo("True: Standby site-b: streaming, sync.");
    assertThat(condition(synchronous, "Ready")).startsWith("True");
  }

  @Test
  @Order(2)
  void anIdlePairCostsNoStatusWrites() throws Exception {
    // Settled: synchronous (the operator's last change), then a few probes for the status to follow.
    awaitStatus(p -> p.getStatus().phase() == Phase.Streaming
        && "sync".equals(p.getStatus().replication().syncState()));
    try (ProbeCount probes = new ProbeCount(pair.connector.open(pair.siteA.endpoint()))) {
      // The status follows the last change within a few probes.
      probes.awaitMore(3, BOUND);
      int reconcilesBefore = cluster.reconciles();
      cluster.clearWrites();

      // Ten probes of the primary with nothing happening in the database.
      probes.awaitMore(10, BOUND);

      assertThat(cluster.writes()).isEmpty();
      assertThat(cluster.reconciles()).isEqualTo(reconcilesBefore);
    }
  }

  @Test
  @Order(3)
  void lagAppearsWhileReplayIsPausedAndGoesAwayAfter() throws Exception {
    pair.execute(pair.siteB, "SELECT pg_wal_replay_pause()");
    pair.execute(pair.siteA, "CREATE TABLE IF NOT EXISTS lag (payload text)",
        "INSERT INTO lag SELECT repeat('x', 1000) FROM generate_series(1, 2000)");

    PksReplicaPair lagging = awaitStatus(p -> p.getStatus().replication().lagBytes() != null
        && p.getStatus().replication().lagBytes() > 64 * 1024);
    assertThat(lagging.getStatus().replication().state()).isEqualTo("streaming");

    pair.execute(pair.siteB, "SELECT pg_wal_replay_resume()");
    awaitStatus(p -> p.getStatus().replication().lagBytes() != null
        && p.getStatus().replication().lagBytes() <= 64 * 1024);
  }

  @Test
  @Order(4)
  void synchronousOffClearsThePrimarysSetting() throws Exception {
    awaitStatus(p -> "sync".equals(p.getStatus().replication().syncState()));
    client.resources(PksReplicaPair.class).inNamespace(namespace).withName(LocalPair.NAME)
        .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replication\":{\"synchronous\":\"Off\"}}}");

    PksReplicaPair asynchronous = awaitStatus(p -> "".equals(p.getStatus().replication().synchronousStandbyNames()));
    assertThat(asynchronous.getStatus().synchronousStandby()).isNull();
    assertThat(pair.queryString(pair.siteA, "SHOW synchronous_standby_names")).isEmpty();
  }

  @Test
  @Order(5)
  void anAsynchronousPrimaryCommitsAtOnceWithItsStandbyDown() throws Exception {
    pair.siteB.stop();
    awaitStatus(p -> p.getStatus().phase() == Phase.Degraded);
    long started = System.nanoTime();
    pair.execute(pair.siteA, "CREATE TABLE IF NOT EXISTS alone (id int)", "INSERT INTO alone VALUES (1)");
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    System.out.println("ReplicationStatusIT: a write under synchronous: Off with the standby down took "
        + took.toMillis() + " ms");
    // The commit does not wait for a standby: on a busy machine it still takes well under 5 s.
    assertThat(took).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  @Order(6)
  void aStoppedStandbyDegradesThePair() {
    pair.siteB.stop();

    PksReplicaPair degraded = awaitStatus(p -> p.getStatus().phase() == Phase.Degraded);
    assertThat(degraded.getStatus().replication().state()).isEqualTo("none");
    assertThat(condition(degraded, "Replicating")).startsWith("False");
    assertThat(condition(degraded, "Ready")).startsWith("False");
    assertThat(degraded.getStatus().message()).contains("site-b is not streaming");
  }
}
