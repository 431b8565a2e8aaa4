package io.pks.operator.chart;

import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.pks.operator.ApiAccess;
import io.pks.operator.MockCluster;
import io.pks.operator.OperatorSettings;
import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.ClusterNetwork;
import io.pks.operator.sandbox.EmbeddedApiServer;
import io.pks.operator.sandbox.Sandbox;
import io.pks.operator.sandbox.SandboxFixture;
import io.pks.operator.sandbox.SandboxPair;

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
   * Granted, and not sent over a whole lifecycle (bootstrap, switchover, failover, deletion under
   * deletionPolicy Delete): the writes JOSDK's dependents may send to repair or remove an object
   * (their reads come from informers), the status patch, and the get of a Secret the user supplies
   * (the pair's own generated Secrets are read from the informer; this lifecycle supplies none,
   * {@code PairCredentialsTest} covers the supplied one). Anything the operator sends must not
   * be here, and anything granted and unused must be (the test says which).
   */
  private static final Set<String> NOT_USED = Set.of(
      "pks.io pksreplicapairs update", "pks.io pksreplicapairs/status patch",
      "core secrets get", "core secrets update", "core secrets patch", "core secrets delete",
      "core configmaps get", "core configmaps update", "core configmaps patch", "core configmaps delete",
      "core services get", "core services patch", "core services delete",
      "apps statefulsets get", "apps statefulsets patch", "apps statefulsets delete",
      "batch jobs get", "batch jobs update", "batch jobs patch", "batch jobs delete",
      "core persistentvolumeclaims get",
      "networking.k8s.io networkpolicies get", "networking.k8s.io networkpolicies update",
      "networking.k8s.io networkpolicies patch", "networking.k8s.io networkpolicies delete",
      "policy poddisruptionbudgets get", "policy poddisruptionbudgets update", "policy poddisruptionbudgets patch");

  /**
   * Sent only when the same Event repeats within its window (it is then counted on the one already
   * written): whether a lifecycle run repeats one depends on timing, so these are neither required
   * nor listed as unused. {@code EventRecorderIT} checks the counting itself.
   */
  private static final Set<String> USED_WHEN_AN_EVENT_REPEATS = Set.of("core events get", "core events patch");

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
  }

  /**
   * The default install against a whole pair's life in the sandbox, where pods exist and fail: every
   * request the operator sends is allowed, every rule is needed (without it something the operator
   * did is refused), and what is granted but unused is the short list {@link #NOT_USED}.
   */
  @Test
  void theChartAllowsAPairsWholeLifeAndEachRuleIsNeeded() throws Exception {
    // One operator, as the sandbox runs it: no Lease (leader election's rights are checked above).
    ChartPermissions permissions = ChartPermissions.of(HelmChart.render("replicaCount: 1"));
    Set<ApiAccess> recorded = lifeOfAPairInTheSandbox();
    LOG.info("sandbox lifecycle: the operator used {}", recorded);

    assertThat(permissions.missing(recorded)).as("requests the chart's RBAC refuses").isEmpty();
    for (ChartPermissions.Grant grant : permissions.grants()) {
      assertThat(permissions.without(grant).missing(recorded)).as("refused without %s", grant).isNotEmpty();
    }
    Set<String> used = recorded.stream().map(RbacCoverageIT::key).collect(Collectors.toSet());
    assertThat(NOT_USED).as("used by the operator: remove from NOT_USED").doesNotContainAnyElementsOf(used);
    assertThat(permissions.named().stream().map(RbacCoverageIT::key).filter(key -> !used.contains(key))
        .filter(key -> !USED_WHEN_AN_EVENT_REPEATS.contains(key))).as("granted and unused")
        .containsExactlyInAnyOrderElementsOf(NOT_USED);
  }

  /**
   * A pair bootstrapped in the sandbox, switched over by spec.primary, failed over (its primary's
   * node lost), switched over by annotation (as kubectl pks does), its volumes grown, then deleted
   * with deletionPolicy Delete; every access the operator's requests needed.
   */
  private static Set<ApiAccess> lifeOfAPairInTheSandbox() throws IOException {
    Set<ApiAccess> accesses = Collections.synchronizedSet(new LinkedHashSet<>());
    try (SandboxFixture fixture = SandboxFixture.start("rbac-coverage")) {
      Sandbox sandbox = fixture.sandbox;
      // Restarted once recording, so that its informers' lists and watches are seen too.
      sandbox.stopOperator();
      sandbox.apiServer().intercept(request -> {
        if (EmbeddedApiServer.OPERATOR_USER_AGENT.equals(request.getHeader("User-Agent"))) {
          ApiAccess.of(request.getMethod(), request.getPath()).ifPresent(accesses::add);
        }
        return null;
      });
      sandbox.startOperator();
      SandboxPair pair = SandboxPair.create(sandbox, NS, json -> {
        ObjectNode spec = TestPairs.spec(json);
        spec.put("deletionPolicy", "Delete");
        spec.with("networkPolicy").put("enabled", true);
      });
      pair.awaitSynchronous("site-a");
      pair.requestPrimary("site-b");
      pair.awaitSynchronous("site-b");
      pair.nodeDown("site-b");
      pair.awaitStatus("failed over", p -> "site-a".equals(p.getStatus().currentPrimary()));
      pair.nodeBack("site-b");
      pair.awaitSynchronous("site-a");
      // As kubectl pks switchover asks: the operator answers and removes its annotation.
      pair.requestSwitchover("site-b");
      pair.awaitSynchronous("site-b");
      await("switchover request answered").atMost(SandboxPair.BOUND)
          .until(() -> pair.get().switchoverAnnotation().isEmpty());
      // A larger size: both claims grow, and the sandbox's provisioner records the new capacity.
      pair.client().resources(PksReplicaPair.class).inNamespace(NS).withName(pair.name).patch(
          PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"postgres\":{\"storage\":{\"size\":\"40Gi\"}}}}");
      await("both claims grown to 40Gi").atMost(SandboxPair.BOUND).until(() -> pair.client()
          .persistentVolumeClaims().inNamespace(NS).list().getItems().stream()
          .filter(claim -> claim.getStatus() != null && claim.getStatus().getCapacity() != null
              && new Quantity("40Gi").equals(claim.getStatus().getCapacity().get("storage"))).count() == 2);
      pair.deleteAndAwaitStopped();
      // Asserted, not polled for true: a timeout then names what outlived the pair.
      await("volumes and Secrets deleted").atMost(SandboxPair.BOUND).untilAsserted(() -> {
        assertThat(pair.client().persistentVolumeClaims().inNamespace(NS).list().getItems()).as("claims").isEmpty();
        assertThat(pair.client().secrets().inNamespace(NS).list().getItems()).as("Secrets").isEmpty();
      });
      sandbox.stopOperator();
    }
    synchronized (accesses) {
      return new LinkedHashSet<>(accesses);
    }
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
