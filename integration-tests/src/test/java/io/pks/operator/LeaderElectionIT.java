package io.pks.operator;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.ResourceRuleBuilder;
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
    try (MockCluster cluster = new MockCluster()) {
      cluster.client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("telephony")
          .endMetadata().build()).create();
      cluster.answerRulesReviews(namespace -> List.of(new ResourceRuleBuilder()
          .withApiGroups("coordination.k8s.io").withResources("leases").withVerbs("get", "create", "update", "patch")
          .build()));
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
}
