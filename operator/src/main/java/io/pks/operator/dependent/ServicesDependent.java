package io.pks.operator.dependent;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.Service;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.CRUDKubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;

/** The member, -rw, -ro and -sip Services. */
public class ServicesDependent extends PairDependent<Service>
    implements CRUDKubernetesBulkDependentResource<Service, PksReplicaPair>,
    KubernetesBulkDependentResource<Service, PksReplicaPair>, GarbageCollected<PksReplicaPair> {

  private final MemberNetwork network;

  public ServicesDependent(MemberNetwork network) {
    super(Service.class);
    this.network = network;
  }

  @Override
  public Map<ResourceID, Service> desiredResources(PksReplicaPair pair, Context<PksReplicaPair> context) {
    return new DesiredObjects(pair, network).services().stream()
        .collect(Collectors.toMap(ResourceID::fromResource, Function.identity(), (a, b) -> a,
            java.util.LinkedHashMap::new));
  }
}
