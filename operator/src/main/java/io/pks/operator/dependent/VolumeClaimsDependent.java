package io.pks.operator.dependent;

import java.util.List;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pks.operator.api.v1alpha1.DeletionPolicy;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;

/**
 * Each member's data claim, made before any pod so the Jobs can write to it. Never changed nor
 * deleted by the operator; owned by the pair (so deleted with it) only under
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
  boolean ownedByPair(PksReplicaPair pair) {
    return pair.getSpec().deletionPolicy() == DeletionPolicy.Delete;
  }
}
