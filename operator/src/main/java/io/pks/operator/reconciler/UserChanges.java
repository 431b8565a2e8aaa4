package io.pks.operator.reconciler;

import java.util.Objects;

import io.javaoperatorsdk.operator.processing.event.source.filter.OnUpdateFilter;
import io.pks.operator.api.v1alpha1.PksReplicaPair;

/**
 * Which updates of a pair reconcile it: what a user changes (the spec, seen in its generation; the
 * request annotations pks.io/switchover, pks.io/reseed, pks.io/backup, pks.io/restart,
 * pks.io/reload and pks.io/fence, which leave the generation as it is; a deletion), not the
 * operator's own status writes. Generation-aware processing alone would
 * ignore an annotation on an idle pair until some unrelated event came.
 */
public final class UserChanges implements OnUpdateFilter<PksReplicaPair> {

  @Override
  public boolean accept(PksReplicaPair updated, PksReplicaPair previous) {
    return !Objects.equals(updated.getMetadata().getGeneration(), previous.getMetadata().getGeneration())
        || !Objects.equals(updated.getMetadata().getAnnotations(), previous.getMetadata().getAnnotations())
        || updated.isMarkedForDeletion();
  }
}
