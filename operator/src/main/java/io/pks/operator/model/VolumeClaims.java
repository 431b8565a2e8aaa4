package io.pks.operator.model;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * A member's data claim, created by the operator before any pod: the initdb and seed Jobs run
 * while the StatefulSet is at zero replicas, when its controller has not created the claim yet. The
 * name is the one the StatefulSet's template gives its pod, so the StatefulSet adopts it.
 */
public final class VolumeClaims {
  private VolumeClaims() {
  }

  /** The resource a claim requests its size by. */
  public static final String STORAGE = "storage";

  /** The size {@code claim} requests; null when it requests none. */
  public static Quantity requestedSize(PersistentVolumeClaim claim) {
    if (claim.getSpec() == null || claim.getSpec().getResources() == null
        || claim.getSpec().getResources().getRequests() == null) {
      return null;
    }
    return claim.getSpec().getResources().getRequests().get(STORAGE);
  }

  public static PersistentVolumeClaim build(PksReplicaPair pair, String member) {
    String name = pair.getMetadata().getName();
    PersistentVolumeClaim template = StatefulSets.dataClaimTemplate(pair);
    return new PersistentVolumeClaimBuilder(template)
        .withMetadata(ObjectMetas.of(pair, Names.dataClaim(name, member), Labels.member(name, member)))
        .build();
  }
}
