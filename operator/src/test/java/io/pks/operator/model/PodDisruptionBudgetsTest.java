package io.pks.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pks.operator.TestPairs;

class PodDisruptionBudgetsTest {

  @Test
  void thePrimarysPodStaysThroughEvictionsAndNoOtherPodIsCounted() {
    PodDisruptionBudget budget = PodDisruptionBudgets.build(TestPairs.example());
    assertThat(budget.getMetadata().getName()).isEqualTo("pks-primary");
    assertThat(budget.getMetadata().getNamespace()).isEqualTo("telephony");
    assertThat(budget.getMetadata().getLabels()).containsEntry("pks.io/pair", "pks")
        .containsEntry("app.kubernetes.io/managed-by", "pks-operator");
    assertThat(budget.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
    assertThat(budget.getSpec().getMaxUnavailable()).isNull();
    assertThat(budget.getSpec().getUnhealthyPodEvictionPolicy()).isNull();
    // The role label only: the standby's pod, a stopped member's and the seed Jobs' carry none.
    assertThat(budget.getSpec().getSelector().getMatchLabels())
        .isEqualTo(Map.of("pks.io/pair", "pks", "pks.io/role", "primary"));
    assertThat(budget.getSpec().getSelector().getMatchExpressions()).isEmpty();
  }
}
