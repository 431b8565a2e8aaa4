package io.pks.operator;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.pks.operator.metrics.OperatorMetrics;
import io.pks.operator.model.ClusterNetwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two replicas with leader election, as the chart runs them from two replicas on: only the leader
 * reconciles, and the other stays healthy, so the liveness probe on /healthz never restarts it.
 */
class LeaderElectionIT {
  private static final OperatorSettings ELECTING = new OperatorSettings(Set.of(), true, "pks-operator",
      "cluster.local", Duration.ofMillis(200));

  @Test
  void onlyTheLeaderReconcilesAndTheOtherReplicaStaysHealthy() {
    try (MockCluster cluster = electingCluster()) {
      cluster.startOperator(new ClusterNetwork("cluster.local"), ELECTING);
      await().atMost(Duration.ofSeconds(20)).until(() -> cluster.client().leases().inNamespace("pks-operator")
          .withName(OperatorSettings.LEASE_NAME).get() != null);
      OperatorMetrics standbyMetrics = new OperatorMetrics();
      Operator standby = Operators.create(cluster.client(), ELECTING, new ClusterNetwork("cluster.local"),
          standbyMetrics, () -> { });
      standby.start();
      try {
        cluster.client().resource(TestPairs.example()).create();

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.reconciles() > 0);
        assertThat(standbyMetrics.registry().find("operator.sdk.reconciliations.started").counters()).isEmpty();
        assertThat(standby.getRuntimeInfo().isStarted()).isTrue();
        assertThat(standby.getRuntimeInfo().allEventSourcesAreHealthy()).isTrue();
      } finally {
        standby.stop();
      }
    }
  }

  /**
   * A leader that cannot renew the Lease stops leading while another replica may already lead: from
   * then on it must not act, even before its process exits (JOSDK's reconciles would go on).
   */
  @Test
  void aReplicaThatLostTheLeaseActsNoMore() throws InterruptedException {
    OperatorSettings quickLease = new OperatorSettings(Set.of(), true, "pks-operator", "cluster.local",
        Duration.ofMillis(200), new LeaseTimings(Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(200)));
    try (MockCluster cluster = electingCluster()) {
      CountDownLatch stoppedLeading = new CountDownLatch(1);
      Operator operator = Operators.create(cluster.client(), quickLease, new ClusterNetwork("cluster.local"),
          new OperatorMetrics(), stoppedLeading::countDown);
      operator.start();
      try {
        cluster.client().resource(TestPairs.example()).create();
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.client().services().inNamespace("telephony")
            .withName("pks-rw").get() != null);

        cluster.client().leases().inNamespace("pks-operator").withName(OperatorSettings.LEASE_NAME)
            .edit(lease -> new LeaseBuilder(lease).editSpec().withHolderIdentity("another-replica")
                .withRenewTime(ZonedDateTime.now()).withLeaseDurationSeconds(3600).endSpec().build());
        assertThat(stoppedLeading.await(20, TimeUnit.SECONDS)).as("the replica stopped leading").isTrue();
        cluster.client().services().inNamespace("telephony").withName("pks-rw").delete();

        Thread.sleep(2000);
        assertThat(cluster.client().services().inNamespace("telephony").withName("pks-rw").get())
            .as("the Service deleted after the Lease was lost").isNull();
      } finally {
        operator.stop();
      }
    }
  }

  /** The example's namespace, and the rights on Leases that JOSDK checks before it runs an election. */
  private static MockCluster electingCluster() {
    MockCluster cluster = new MockCluster();
    cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("telephony")
        .endMetadata().build()).create();
    cluster.answerRulesReviews(namespace -> List.of(new ResourceRuleBuilder()
        .withApiGroups("coordination.k8s.io").withResources("leases").withVerbs("get", "create", "update", "patch")
        .build()));
    return cluster;
  }
}
