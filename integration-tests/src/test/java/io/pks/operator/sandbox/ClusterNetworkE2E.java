package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.pks.operator.model.Names;
import io.pks.operator.model.PodLayout;

/**
 * The real-cluster path: the sandbox's network mode (each pod on a node of its own address, names
 * from the cluster's DNS records) and the operator on {@code ClusterNetwork}, so pg_hba.conf allows
 * replication by host name only, which PostgreSQL checks by a reverse then a forward lookup. The
 * standby is seeded (its Job pod's own name), streams, takes over when the primary's node is lost,
 * and the old primary rejoins on a new pod with a new address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterNetworkE2E {
  private static final String A = "site-a";
  private static final String B = "site-b";

  private static SandboxFixture fixture;
  private static SandboxPair pair;

  @BeforeAll
  static void streamingPairOnItsOwnNodes() {
    fixture = SandboxFixture.start("cluster-network-e2e", Sandbox.Networking.CLUSTER);
    pair = SandboxPair.create(fixture.sandbox, "telephony", json -> { });
    pair.awaitSynchronous();
  }

  @AfterAll
  static void stop() throws IOException {
    fixture.close();
  }

  @Test
  @Order(1)
  void theStandbyIsSeededAndStreamsThroughHostNameRulesFromItsOwnAddress() throws Exception {
    String primaryIp = pair.pod(A).getStatus().getPodIP();
    String standbyIp = pair.pod(B).getStatus().getPodIP();
    assertThat(primaryIp).startsWith("10.244.").isNotEqualTo(standbyIp);
    assertThat(standbyIp).startsWith("10.244.");
    String hba = pair.client().configMaps().inNamespace(pair.namespace).withName(Names.configMap(pair.name)).get()
        .getData().get(PodLayout.PG_HBA_CONF);
    assertThat(hba).contains("pks-site-b-0.pks-site-b.telephony.svc.cluster.local",
        "pks-site-b-seed.pks-seed.telephony.svc.cluster.local").doesNotContain("127.0.0.1");
    assertThat(pair.jobs("seed")).singleElement().satisfies(job -> {
      assertThat(SandboxPair.succeeded(job)).isTrue();
      assertThat(job.getStatus().getFailed()).as("seed pods refused before one succeeded").isIn(null, 0);
    });
    try (Connection primary = pair.connect(pair.member(A)); Statement statement = primary.createStatement();
        ResultSet row = statement.executeQuery("SELECT client_addr::text, state FROM pg_stat_replication")) {
      assertThat(row.next()).as("a standby streams").isTrue();
      assertThat(row.getString(1)).as("the standby connects from its own address").isEqualTo(standbyIp + "/32");
      assertThat(row.getString(2)).isEqualTo("streaming");
    }
  }

  @Test
  @Order(2)
  void aFailoverAndTheOldPrimarysRejoinOnANewAddressLoseNoCommit() throws Exception {
    String oldAddress = pair.pod(A).getStatus().getPodIP();
    try (Writer writer = new Writer(pair, "calls")) {
      assertThat(writer.awaitMore(30, SandboxPair.BOUND)).isTrue();
      pair.nodeDown(A);
      pair.awaitSipSite(B);
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      assertThat(pair.get().getStatus().currentPrimary()).isEqualTo(B);
      pair.nodeBack(A);
      pair.awaitSynchronous(B);
      assertThat(writer.awaitMore(20, SandboxPair.BOUND)).isTrue();
      Set<Long> acknowledged = writer.stop();
      assertThat(writer.missingOn(pair.connections(pair.readWrite()))).as("acknowledged rows lost").isEmpty();
      assertThat(writer.missingOn(pair.connections(pair.member(A)))).as("rows on the rejoined standby").isEmpty();
      System.out.printf("CLUSTER NETWORK failover: %d commits acknowledged, 0 lost%n", acknowledged.size());
    }
    String newAddress = pair.pod(A).getStatus().getPodIP();
    assertThat(newAddress).as("the re-seeded member's new pod has a new address").isNotEqualTo(oldAddress);
    await("the rejoined standby in recovery").atMost(SandboxPair.BOUND).until(() -> pair.inRecovery(A));
  }
}
