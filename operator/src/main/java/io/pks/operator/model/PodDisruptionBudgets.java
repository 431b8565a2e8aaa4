package io.pks.operator.model;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * The PodDisruptionBudget {@code <pair>-primary}: the pod labelled primary must stay through
 * voluntary evictions ({@code minAvailable: 1} over the pair's pods with role primary), so a drain
 * of the primary's node waits until the operator has switched over to the standby (the role
 * label then moves; a stopped member's pod has none) or the user uncordons the node. The
 * standby's pod is selected by no budget: a drain evicts it at once. The operator's own restarts
 * scale a StatefulSet and are not evictions: they follow the lifecycle's one-at-a-time rule instead.
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
          .withNewSelector().withMatchLabels(Labels.roleSelector(name, Labels.ROLE_PRIMARY)).endSelector()
        .endSpec()
        .build();
  }
}
