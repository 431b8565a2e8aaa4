package io.pks.operator.chart;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.ApiAccess;
import io.pks.operator.MockCluster;
import io.pks.operator.OperatorSettings;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.ClusterNetwork;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chart's RBAC against what the operator really asks of the API server: the real operator
 * drives a pair on the mock API server, every request it sends is recorded as the RBAC access it
 * needs, and the chart's rules must allow each one, name no wildcard, and lose an access when any
 * of its rules is removed.
 */
class RbacCoverageIT {
  private static final Logger LOG = LoggerFactory.getLogger(RbacCoverageIT.class);
  private static final String NS = "telephony";
  private static final Duration BOUND = Duration.ofSeconds(30);

  /**
   * Granted ahead of the code: the lifecycle being written (seed and initdb Jobs, Events, role labels
   * on Pods, volume claims removed under deletionPolicy Delete, a finalizer on the pair) and writes to
   * Secrets and Services that no path has yet. Once the operator uses one, the test says so: drop it
   * from here; once nothing will, drop it from the chart.
   */
  private static final Set<String> NOT_YET_USED = Set.of(
      // spec.primary after a failover; pods and their role label, which only a runtime creates.
      "pks.io pksreplicapairs get", "pks.io pksreplicapairs patch", "pks.io pksreplicapairs update",
      "pks.io pksreplicapairs/status patch",
      "core secrets update", "core secrets patch", "core secrets delete",
      "core configmaps get", "core configmaps patch", "core configmaps delete",
      "core services get", "core services update", "core services patch", "core services delete",
      "apps statefulsets get", "apps statefulsets patch", "apps statefulsets delete",
      "batch jobs get", "batch jobs update", "batch jobs patch", "batch jobs delete",
      "core pods get", "core pods patch",
      "core persistentvolumeclaims get",
      "networking.k8s.io networkpolicies get", "networking.k8s.io networkpolicies create",
      "networking.k8s.io networkpolicies update", "networking.k8s.io networkpolicies patch",
      "networking.k8s.io networkpolicies delete",
      "core events patch",
      // JOSDK's check before it campaigns asks for update, though Fabric8 renews the Lease with patch.
      "coordination.k8s.io leases update");

  static Stream<Arguments> installs() {
    return Stream.of(
        Arguments.of("defaults: every namespace, two replicas electing a leader", "",
            new OperatorSettings(Set.of(), true, HelmChart.NAMESPACE, "cluster.local", Duration.ofMillis(200))),
        Arguments.of("watchNamespaces, one replica", "watchNamespaces: [" + NS + "]\nreplicaCount: 1",
            new OperatorSettings(Set.of(NS), false, null, "cluster.local", Duration.ofMillis(200))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("installs")
  void theChartAllowsEveryRequestTheOperatorSendsAndNothingElse(String install, String values,
      OperatorSettings settings) {
    ChartPermissions permissions = ChartPermissions.of(HelmChart.render(values));
    Set<ApiAccess> recorded = driveAPair(permissions, settings);
    LOG.info("{}: the operator used {}", install, recorded);

    assertThat(permissions.missing(recorded)).as("requests the chart's RBAC refuses").isEmpty();
    assertThat(permissions.grants()).allSatisfy(grant -> assertThat(Stream.of(grant.rule().getApiGroups(),
        grant.rule().getResources(), grant.rule().getVerbs()).flatMap(List::stream)).doesNotContain("*"));
    // Each rule is needed: without it, something the operator did is refused.
    for (ChartPermissions.Grant grant : permissions.grants()) {
      if (grant.accesses().map(RbacCoverageIT::key).allMatch(NOT_YET_USED::contains)) {
        continue;
      }
      assertThat(permissions.without(grant).missing(recorded)).as("refused without %s", grant).isNotEmpty();
    }
    Set<String> used = recorded.stream().map(RbacCoverageIT::key).collect(Collectors.toSet());
    assertThat(NOT_YET_USED).as("used by the operator now: remove from NOT_YET_USED").doesNotContainAnyElementsOf(used);
    assertThat(permissions.named().stream().map(RbacCoverageIT::key).filter(key -> !used.contains(key)))
        .as("granted, neither used nor expected").isSubsetOf(NOT_YET_USED);
  }

  /** Creates, changes and deletes a pair with the operator running, and returns what it asked for. */
  private static Set<ApiAccess> driveAPair(ChartPermissions permissions, OperatorSettings settings) {
    try (MockCluster cluster = new MockCluster()) {
      KubernetesClient client = cluster.client();
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
          .create();
      cluster.answerRulesReviews(permissions::rulesIn);
      cluster.startOperator(new ClusterNetwork("cluster.local"), settings);

      client.resource(TestPairs.example()).create();
      await().atMost(BOUND).untilAsserted(() -> {
        assertThat(client.apps().statefulSets().inNamespace(NS).list().getItems()).hasSize(2);
        assertThat(pair(client).getStatus()).isNotNull();
      });
      PksReplicaPair edited = TestPairs.example(json -> TestPairs.spec(json).with("postgres").with("parameters")
          .put("max_connections", "300"));
      TestPairs.editSpec(client, NS, "pks", spec -> edited.getSpec());
      await().atMost(BOUND).until(() -> client.configMaps().inNamespace(NS).withName("pks-config").get()
          .getData().get("postgresql.conf").contains("max_connections = '300'")
          && pair(client).getMetadata().getGeneration().equals(pair(client).getStatus().observedGeneration()));
      client.resource(pair(client)).delete();
      await().atMost(BOUND).until(() -> cluster.metrics().registry().find("pks.pair.phase").gauges().isEmpty());
      cluster.stopOperator();
      return cluster.operatorAccesses();
    }
  }

  private static PksReplicaPair pair(KubernetesClient client) {
    return client.resources(PksReplicaPair.class).inNamespace(NS).withName("pks").get();
  }

  /** An access as the rules name it: group, resource and verb. */
  private static String key(ApiAccess access) {
    return (access.group().isEmpty() ? "core" : access.group()) + " " + access.resource() + " " + access.verb();
  }
}
