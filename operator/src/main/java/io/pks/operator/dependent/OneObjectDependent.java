package io.pks.operator.dependent;

import java.util.function.Function;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.dependent.GarbageCollected;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.Updater;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;

/** One object of the pair, kept as {@link DesiredObjects} builds it, and deleted with the pair. */
abstract class OneObjectDependent<R extends HasMetadata> extends PairDependent<R>
    implements Creator<R, PksReplicaPair>, Updater<R, PksReplicaPair>, GarbageCollected<PksReplicaPair> {

  private final MemberNetwork network;
  private final Function<DesiredObjects, R> build;

  OneObjectDependent(Class<R> type, MemberNetwork network, Function<DesiredObjects, R> build) {
    super(type);
    this.network = network;
    this.build = build;
  }

  @Override
  protected R desired(PksReplicaPair pair, Context<PksReplicaPair> context) {
    return build.apply(new DesiredObjects(pair, network));
  }
}
