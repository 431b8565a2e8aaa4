package io.pks.operator.dependent;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pks.operator.api.v1alpha1.Member;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;
import io.pks.operator.model.Names;

/**
 * One StatefulSet per member. The operator never deletes one: only the garbage collector does,
 * with the pair, so no code path of ours can take a member's data away.
 */
public class StatefulSetsDependent extends PairDependent<StatefulSet>
    implements CRUDKubernetesBulkDependentResource<StatefulSet, PksReplicaPair>,
    KubernetesBulkDependentResource<StatefulSet, PksReplicaPair>, GarbageCollected<PksReplicaPair> {

  private static final Logger LOG = LoggerFactory.getLogger(StatefulSetsDependent.class);

  private final MemberNetwork network;

  public StatefulSetsDependent(MemberNetwork network) {
    super(StatefulSet.class);
    this.network = network;
  }

  @Override
  public Map<ResourceID, StatefulSet> desiredResources(PksReplicaPair pair, Context<PksReplicaPair> context) {
    DesiredObjects desired = SharedDesiredObjects.of(pair, context, network);
    Map<ResourceID, StatefulSet> result = new LinkedHashMap<>();
    for (Member member : pair.getSpec().members()) {
      String name = Names.statefulSet(pair.getMetadata().getName(), member.name());
      StatefulSet statefulSet = desired.statefulSet(member, existingClaim(context, name));
      result.put(ResourceID.fromResource(statefulSet), statefulSet);
    }
    return result;
  }

  /** The API server refuses changes to volume claim templates: keep the one the set was made with. */
  private static PersistentVolumeClaim existingClaim(Context<PksReplicaPair> context, String name) {
    return context.getSecondaryResourcesAsStream(StatefulSet.class)
        .filter(existing -> existing.getMetadata().getName().equals(name))
        .findFirst()
        .map(existing -> existing.getSpec().getVolumeClaimTemplates())
        .filter(claims -> !claims.isEmpty())
        .map(claims -> claims.get(0))
        .orElse(null);
  }

  @Override
  public void deleteTargetResource(PksReplicaPair pair, StatefulSet statefulSet, ResourceID id,
      Context<PksReplicaPair> context) {
    LOG.warn("{}: StatefulSet {} is no longer desired; left in place with its data", pair.ref(),
        statefulSet.getMetadata().getName());
  }
}
