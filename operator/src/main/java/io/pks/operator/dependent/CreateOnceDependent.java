package io.pks.operator.dependent;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.BulkUpdater;
import io.javaoperatorsdk.operator.processing.dependent.Creator;
import io.javaoperatorsdk.operator.processing.dependent.KubernetesBulkDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.Matcher;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * Objects the operator creates and then never changes nor deletes, but for their owner reference
 * and what a subclass lets follow the spec ({@link #specChanges}: a claim's growth): there is no
 * Deleter, and an update only adds or removes the pair's owner reference and applies those. For what
 * holds or guards data (Secrets whose passwords are in the database, volume claims, Jobs that wrote
 * a member's data): only the garbage collector removes them, with the pair, and only when
 * {@link #ownedByPair} says so under the spec in force, so the deletionPolicy the pair has when it
 * is deleted decides, not the one it had when they were created.
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

  /** What of {@code actual}'s spec must follow {@code desired}, as a merge patch of its spec; empty: nothing. */
  Map<String, Object> specChanges(R actual, R desired) {
    return Map.of();
  }

  @Override
  public Matcher.Result<R> match(R actual, R desired, PksReplicaPair pair, Context<PksReplicaPair> context) {
    return Matcher.Result.nonComputed(ownedBy(actual, pair) == ownedByPair(pair) && specChanges(actual, desired).isEmpty());
  }

  /** Adds or removes the pair's owner reference, and applies {@link #specChanges}: one merge patch. */
  @Override
  public R update(R actual, R desired, PksReplicaPair pair, Context<PksReplicaPair> context) {
    List<OwnerReference> others = references(actual).stream()
        .filter(owner -> !owner.getUid().equals(pair.getMetadata().getUid())).toList();
    List<OwnerReference> next = new ArrayList<>(others);
    if (ownedByPair(pair)) {
      next.add(new OwnerReferenceBuilder().withApiVersion(pair.getApiVersion()).withKind(pair.getKind())
          .withName(pair.getMetadata().getName()).withUid(pair.getMetadata().getUid()).build());
    }
    Map<String, Object> patch = new java.util.LinkedHashMap<>(Map.of("metadata", Map.of("ownerReferences", next)));
    Map<String, Object> spec = specChanges(actual, desired);
    if (!spec.isEmpty()) {
      patch.put("spec", spec);
    }
    return context.getClient().resource(actual).patch(PatchContext.of(PatchType.JSON_MERGE),
        Serialization.asJson(patch));
  }

  private static boolean ownedBy(HasMetadata object, PksReplicaPair pair) {
    return references(object).stream().anyMatch(owner -> owner.getUid().equals(pair.getMetadata().getUid()));
  }

  private static List<OwnerReference> references(HasMetadata object) {
    return object.getMetadata().getOwnerReferences() == null ? List.of() : object.getMetadata().getOwnerReferences();
  }

  @Override
  protected void addReferenceHandlingMetadata(R resource, PksReplicaPair pair) {
    if (ownedByPair(pair)) {
      resource.addOwnerReference(pair);
    }
  }
}
