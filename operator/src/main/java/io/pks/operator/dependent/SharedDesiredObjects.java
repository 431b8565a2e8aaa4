package io.pks.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;

/**
 * One {@link DesiredObjects} for a whole reconcile, kept in its context: the StatefulSets'
 * dependent builds each member's pod template and hash, and the reconciler's check of the pods'
 * templates then reads those hashes instead of building the templates again. At 1000 pairs the
 * second build was a tenth of the operator's CPU (BENCHMARKS.md, session 18).
 */
public final class SharedDesiredObjects {
  private static final String KEY = SharedDesiredObjects.class.getName();

  private SharedDesiredObjects() {
  }

  /** A new {@link DesiredObjects} for this reconcile of {@code pair}, which the dependents then share. */
  public static DesiredObjects start(PksReplicaPair pair, Context<PksReplicaPair> context, MemberNetwork network) {
    DesiredObjects desired = new DesiredObjects(pair, network);
    context.managedWorkflowAndDependentResourceContext().put(KEY, desired);
    return desired;
  }

  /** The reconcile's {@link DesiredObjects}, or a new one where none was started (a workflow run on its own). */
  static DesiredObjects of(PksReplicaPair pair, Context<PksReplicaPair> context, MemberNetwork network) {
    return context.managedWorkflowAndDependentResourceContext().get(KEY, DesiredObjects.class)
        .orElseGet(() -> new DesiredObjects(pair, network));
  }
}
