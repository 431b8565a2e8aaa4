package io.pks.operator.dependent;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;

/** The optional NetworkPolicy on the members' PostgreSQL port; deleted when the flag is turned off. */
public class NetworkPolicyDependent extends PairDependent<NetworkPolicy>
    implements Creator<NetworkPolicy, PksReplicaPair>, Updater<NetworkPolicy, PksReplicaPair>,
    GarbageCollected<PksReplicaPair> {

  /** The workflow's precondition: when it does not hold, JOSDK deletes the policy if it exists. */
  public static final Condition<NetworkPolicy, PksReplicaPair> ENABLED =
      (dependent, pair, context) -> pair.getSpec().networkPolicy().enabled();

  private final MemberNetwork network;

  public NetworkPolicyDependent(MemberNetwork network) {
    super(NetworkPolicy.class);
    this.network = network;
  }

  @Override
  protected NetworkPolicy desired(PksReplicaPair pair, Context<PksReplicaPair> context) {
    return new DesiredObjects(pair, network).networkPolicy();
  }
}
