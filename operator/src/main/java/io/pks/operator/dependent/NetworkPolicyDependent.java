package io.pks.operator.dependent;

import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.javaoperatorsdk.operator.processing.dependent.workflow.Condition;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;

/** The optional NetworkPolicy on the members' PostgreSQL port; deleted when the flag is turned off. */
public class NetworkPolicyDependent extends OneObjectDependent<NetworkPolicy> {

  /** The workflow's precondition: when it does not hold, JOSDK deletes the policy if it exists. */
  public static final Condition<NetworkPolicy, PksReplicaPair> ENABLED =
      (dependent, pair, context) -> pair.getSpec().networkPolicy().enabled();

  public NetworkPolicyDependent(MemberNetwork network) {
    super(NetworkPolicy.class, network, DesiredObjects::networkPolicy);
  }
}
