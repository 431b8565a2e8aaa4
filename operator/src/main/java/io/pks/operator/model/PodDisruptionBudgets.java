package io.pks.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * The PodDisruptionBudget {@code <pair>-members}: of the two members' pods, one must stay healthy
 * (Ready) through voluntary evictions, so a drain never takes the only running member. With both
 * Ready a drain may evict either; it waits for the evicted member to be Ready again on another node
 * before it may evict the other. The operator's own restarts scale a StatefulSet and are not
 * evictions: they follow the lifecycle's one-at-a-time rule instead.
 */
public final class PodDisruptionBudgets {
  private PodDisruptionBudgets() {
  }

  public static PodDisruptionBudget build(PksReplicaPair pair) {
    String name = pair.getMetadata().getName();
    return new PodDisruptionBudgetBuilder()
        .withMetadata(ObjectMetas.of(pair, Names.podDisruptionBudget(name), Labels.pair(name)))
        .withNewSpec()
          .withMinAvailable(new IntOrString(1))
          // The members' pods, not the seed Jobs' (they carry no member label).
          .withNewSelector()
            .addToMatchLabels(Labels.PAIR, name)
            .addNewMatchExpression().withKey(Labels.MEMBER).withOperator("Exists").endMatchExpression()
          .endSelector()
        .endSpec()
        .build();
  }
}
