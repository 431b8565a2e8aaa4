package io.pks.operator.dependent;

import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;

/** The members' PodDisruptionBudget: a voluntary eviction never takes the only running member. */
public class PodDisruptionBudgetDependent extends OneObjectDependent<PodDisruptionBudget> {

  public PodDisruptionBudgetDependent(MemberNetwork network) {
    super(PodDisruptionBudget.class, network, DesiredObjects::podDisruptionBudget);
  }
}
