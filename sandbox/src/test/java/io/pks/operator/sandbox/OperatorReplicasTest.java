package io.pks.operator.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.pks.operator.model.Labels;

class OperatorReplicasTest {

  @Test
  void aReplicasPodIsNamedByItsIdentityInTheOperatorsNamespace() {
    Pod pod = OperatorReplicas.pod("pks-operator-1");
    assertThat(pod.getMetadata().getName()).isEqualTo("pks-operator-1");
    assertThat(pod.getMetadata().getNamespace()).isEqualTo("pks-operator");
    assertThat(pod.getMetadata().getLabels()).containsEntry("app.kubernetes.io/name", "pks-operator");
    assertThat(pod.getSpec().getContainers()).singleElement()
        .satisfies(container -> assertThat(container.getName()).isEqualTo("operator"));
  }

  @Test
  void eachReplicaIsOnANodeOfItsOwn() {
    assertThat(OperatorReplicas.pod("pks-operator-0").getSpec().getNodeName()).isEqualTo("pks-operator-0-node")
        .isNotEqualTo(OperatorReplicas.pod("pks-operator-1").getSpec().getNodeName());
  }

  @Test
  void theKubeletLeavesTheReplicasPodsAlone() {
    // It runs only the pods the operator makes; a replica's pod is run by OperatorReplicas.
    assertThat(OperatorReplicas.pod("pks-operator-0").getMetadata().getLabels())
        .doesNotContainKey(Labels.MANAGED_BY);
  }
}
