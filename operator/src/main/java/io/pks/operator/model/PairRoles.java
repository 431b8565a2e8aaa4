package io.pks.operator.model;

import io.pks.operator.api.v1alpha1.PksReplicaPair;

/** The roles of the two members as the operator last established them. */
public final class PairRoles {
  private PairRoles() {
  }

  /** status.currentPrimary once set; before that, spec.primary, the member initialised as primary. */
  public static String currentPrimary(PksReplicaPair pair) {
    if (pair.getStatus() != null && pair.getStatus().currentPrimary() != null) {
      return pair.getStatus().currentPrimary();
    }
    return pair.getSpec().primary();
  }

  public static String standby(PksReplicaPair pair) {
    return pair.getSpec().peerOf(currentPrimary(pair));
  }
}
