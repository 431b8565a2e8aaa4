package io.pks.operator.dependent;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;

/** The pair's configuration: postgresql.conf and pg_hba.conf. */
public class ConfigMapDependent extends PairDependent<ConfigMap>
    implements Creator<ConfigMap, PksReplicaPair>, Updater<ConfigMap, PksReplicaPair>,
    GarbageCollected<PksReplicaPair> {

  private final MemberNetwork network;

  public ConfigMapDependent(MemberNetwork network) {
    super(ConfigMap.class);
    this.network = network;
  }

  @Override
  protected ConfigMap desired(PksReplicaPair pair, Context<PksReplicaPair> context) {
    return new DesiredObjects(pair, network).configMap();
  }
}
