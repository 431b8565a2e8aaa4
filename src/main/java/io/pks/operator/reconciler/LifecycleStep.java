package io.pks.operator.reconciler;

import java.util.List;
import java.util.Set;

import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.Phase;

/**
 * What the lifecycle decided: the state to record, the database actions to run first, and the
 * sentence for the status message and the Event. The state is written only after the actions
 * succeeded, and the objects follow the written state on the next reconcile, so a restart at any
 * point repeats an idempotent action at most, never a Job.
 *
 * @param reason a CamelCase word for the Event, e.g. SeedStarted
 * @param warning whether the Event is a Warning (something failed or needs a human)
 */
record LifecycleStep(Phase phase, String currentPrimary, List<String> stoppedMembers, MemberJob job,
    Set<Action> actions, String reason, String message, boolean warning) {

  /** Database changes the reconciler makes on the primary before recording the step. */
  enum Action {
    /** The replication role (create or alter, SCRAM verifier) and the standby's slot. */
    CONFIGURE_REPLICATION,
    /** synchronous_standby_names naming the standby, once it streams. */
    ENABLE_SYNC
  }

  LifecycleStep {
    stoppedMembers = List.copyOf(stoppedMembers);
    actions = Set.copyOf(actions);
  }
}
