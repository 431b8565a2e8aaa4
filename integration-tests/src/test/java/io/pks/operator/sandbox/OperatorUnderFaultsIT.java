package io.pks.operator.sandbox;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.pks.operator.MockCluster;
import io.pks.operator.TestPairs;
import io.pks.operator.sandbox.EmbeddedApiServer.Write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real operator against the embedded API server while it answers injected faults. */
class OperatorUnderFaultsIT {

  @Test
  void aStatefulSetCreateThatFailedIsRetriedUntilBothSitesHaveOne() {
    try (MockCluster cluster = new MockCluster()) {
      KubernetesClient client = cluster.client();
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("telephony").endMetadata()
          .build()).create();
      cluster.apiServer().failNext(1, "POST", path -> path.contains("/statefulsets"), 500);
      cluster.startOperator();

      client.resource(TestPairs.example()).create();

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(client.apps().statefulSets().inNamespace("telephony").list().getItems()).hasSize(2));
      assertThat(cluster.writes()).filteredOn(write -> write.method().equals("POST")
          && write.path().contains("/statefulsets")).extracting(Write::status).containsExactly(500, 201, 201);
    }
  }

  /** Without the chart's rbac.nodes: no switchover before drains, said in the log, and nothing else changes. */
  @Test
  void anOperatorThatMayNotReadNodesReconcilesAllTheSame() {
    try (MockCluster cluster = new MockCluster()) {
      KubernetesClient client = cluster.client();
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("telephony").endMetadata()
          .build()).create();
      cluster.apiServer().failFor(Duration.ofMinutes(5), "GET", path -> path.startsWith("/api/v1/nodes"), 403);
      cluster.startOperator();

      client.resource(TestPairs.example()).create();

      await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
          assertThat(client.apps().statefulSets().inNamespace("telephony").list().getItems()).hasSize(2));
      assertThat(cluster.apiServer().faultsAnswered()).as("the Nodes it was refused")
          .anySatisfy(fault -> assertThat(fault.path()).startsWith("/api/v1/nodes"));
    }
  }
}
