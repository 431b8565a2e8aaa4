package io.pks.operator.dependent;

import java.util.List;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;

/**
 * The Job the recorded status names (initdb or seed). Created from the status as written, never
 * from a decision of the same reconcile, so a restarted operator finds the Job it asked for rather
 * than starting another. Finished Jobs stay for their logs and go with the pair.
 */
public class JobsDependent extends CreateOnceDependent<Job> {

  private final MemberNetwork network;

  public JobsDependent(MemberNetwork network) {
    super(Job.class);
    this.network = network;
  }

  @Override
  List<Job> desiredObjects(PksReplicaPair pair, Context<PksReplicaPair> context) {
    return new DesiredObjects(pair, network).job().stream().toList();
  }

  @Override
  boolean ownedByPair(PksReplicaPair pair) {
    return true;
  }
}
