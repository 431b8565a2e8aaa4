package io.pks.operator.dependent;

import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.model.DesiredObjects;
import io.pks.operator.model.MemberNetwork;

/**
 * One {@link DesiredObjects} for a whole reconcile, kept in its context: the reconciler's check of
 * the pods' templates builds each member's pod template and hash, and the StatefulSets' dependent,
 * which follows the status once the reconcile has written it, then reads those hashes instead of
 * building the templates again. At 1000 pairs the second build was a tenth of the operator's CPU
 * (BENCHMARKS.md, session 18).
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

  /**
   * {@code desired}, started for this reconcile, made the objects of {@code written}, the pair as
   * its status was just written ({@link DesiredObjects#withStatusOf}), for the dependents that follow it.
   */
  public static void follow(DesiredObjects desired, PksReplicaPair written, Context<PksReplicaPair> context) {
    context.managedWorkflowAndDependentResourceContext().put(KEY, desired.withStatusOf(written));
  }

  /** The reconcile's {@link DesiredObjects}, or a new one where none was started (a workflow run on its own). */
  static DesiredObjects of(PksReplicaPair pair, Context<PksReplicaPair> context, MemberNetwork network) {
    return context.managedWorkflowAndDependentResourceContext().get(KEY, DesiredObjects.class)
        .orElseGet(() -> new DesiredObjects(pair, network));
  }
}
