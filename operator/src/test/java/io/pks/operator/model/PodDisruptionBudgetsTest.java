package io.pks.operator.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pks.operator.TestPairs;

class PodDisruptionBudgetsTest {

  @Test
  void oneMembersPodStaysThroughEvictionsAndSeedJobsAreNotCounted() {
    PodDisruptionBudget budget = PodDisruptionBudgets.build(TestPairs.example());
    assertThat(budget.getMetadata().getName()).isEqualTo("pks-members");
    assertThat(budget.getMetadata().getNamespace()).isEqualTo("telephony");
    assertThat(budget.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
    assertThat(budget.getSpec().getMaxUnavailable()).isNull();
    assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(Map.of("pks.io/pair", "pks"));
    assertThat(budget.getSpec().getSelector().getMatchExpressions())
        .containsExactly(new LabelSelectorRequirement("pks.io/member", "Exists", List.of()));
  }
}
