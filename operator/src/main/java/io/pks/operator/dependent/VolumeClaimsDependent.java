package io.pks.operator.dependent;

import java.util.List;
import java.util.Map;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pks.operator.api.v1alpha1.DeletionPolicy;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.model.VolumeClaims;

/**
 * Each member's data claim, made before any pod so the Jobs can write to it. Never deleted by the
 * operator, and changed only to grow: a larger spec.postgres.storage.size becomes the claim's
 * request (the storage class's provisioner expands the volume, where it allows it; a smaller one
 * the validator refuses); owned by the pair (so deleted with it) only under
 * {@code deletionPolicy: Delete}.
 */
public class VolumeClaimsDependent extends CreateOnceDependent<PersistentVolumeClaim> {

  private final MemberNetwork network;

  public VolumeClaimsDependent(MemberNetwork network) {
    super(PersistentVolumeClaim.class);
    this.network = network;
  }

  @Override
  List<PersistentVolumeClaim> desiredObjects(PksReplicaPair pair, Context<PksReplicaPair> context) {
    return new DesiredObjects(pair, network).volumeClaims();
  }

  @Override
  Map<String, Object> specChanges(PersistentVolumeClaim actual, PersistentVolumeClaim desired) {
    Quantity wanted = VolumeClaims.requestedSize(desired);
    Quantity requested = VolumeClaims.requestedSize(actual);
    if (wanted == null || requested != null
        && Quantity.getAmountInBytes(wanted).compareTo(Quantity.getAmountInBytes(requested)) <= 0) {
      return Map.of();
    }
    return Map.of("resources", Map.of("requests", Map.of(VolumeClaims.STORAGE, wanted.toString())));
  }

  @Override
  boolean ownedByPair(PksReplicaPair pair) {
    return pair.getSpec().deletionPolicy() == DeletionPolicy.Delete;
  }
}
