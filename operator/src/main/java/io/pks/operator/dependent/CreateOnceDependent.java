package io.pks.operator.dependent;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.BulkUpdater;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * Objects the operator creates and then never changes nor deletes: an existing one always matches
 * (JOSDK's bulk reconciler needs an Updater, which is therefore never called), and there is no
 * Deleter. For what holds or guards data (Secrets whose passwords are in the database, volume
 * claims, Jobs that wrote a member's data): only the garbage collector removes them, with the pair,
 * and only when {@link #ownedByPair} says so.
 */
abstract class CreateOnceDependent<R extends HasMetadata> extends PairDependent<R>
    implements KubernetesBulkDependentResource<R, PksReplicaPair>, Creator<R, PksReplicaPair>,
    BulkUpdater<R, PksReplicaPair> {

  CreateOnceDependent(Class<R> type) {
    super(type);
  }

  /** The objects that must exist for {@code pair}. */
  abstract List<R> desiredObjects(PksReplicaPair pair, Context<PksReplicaPair> context);

  /** Whether the pair owns them (and the garbage collector deletes them with it). */
  abstract boolean ownedByPair(PksReplicaPair pair);

  @Override
  public Map<ResourceID, R> desiredResources(PksReplicaPair pair, Context<PksReplicaPair> context) {
    return desiredObjects(pair, context).stream()
        .collect(Collectors.toMap(ResourceID::fromResource, Function.identity()));
  }

  @Override
  public Matcher.Result<R> match(R actual, R desired, PksReplicaPair pair, Context<PksReplicaPair> context) {
    return Matcher.Result.nonComputed(true);
  }

  @Override
  protected void addReferenceHandlingMetadata(R resource, PksReplicaPair pair) {
    if (ownedByPair(pair)) {
      resource.addOwnerReference(pair);
    }
  }
}
