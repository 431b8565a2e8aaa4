package io.pks.operator.reconciler;

import java.util.List;
import java.util.Set;

import io.pks.operator.api.v1alpha1.MemberJob;
import io.pks.operator.api.v1alpha1.Phase;

/**
 * What the lifecycle decided: the state to record, the database actions to run first, and the
 * sentence for the status message and the Event. The state is written only after the actions
 * succeeded, and the objects follow the state once it is written, so a restart at any
 * point repeats an idempotent action at most, never a Job or a promotion.
 *
 * @param reason the Event's reason (and so its type); null when nothing happened
 */
record LifecycleStep(PairState state, Set<Action> actions, EventReason reason, String message) {

  /** Database changes the reconciler makes before recording the step. */
  enum Action {
    /**
     * On the primary: the replication role (create or alter, SCRAM verifier), the monitoring role,
     * pg_walinspect and the standby's slot.
     */
    CONFIGURE_REPLICATION,
    /** On the primary: synchronous_standby_names naming the standby, once it streams. */
    ENABLE_SYNC,
    /** On the primary: synchronous_standby_names cleared; commits stop waiting for the standby. */
    DISABLE_SYNC,
    /**
     * On the standby, a switchover's target, as the switchover starts: synchronous_standby_names
     * cleared. It came with its copy of the primary (postgresql.auto.conf) and does nothing on a
     * standby; cleared now, the promotion need not clear it (ALTER SYSTEM's fsync, a reload)
     * between the old primary's stop and the new one's first write.
     */
    CLEAR_STANDBY_SYNC,
    /**
     * On the primary, as a switchover starts, last before its stop: CHECKPOINT, so that its
     * shutdown checkpoint, which the write gap waits for, has little left to flush.
     */
    CHECKPOINT,
    /** On the target primary: pg_promote(), after the old primary was fenced or stopped. */
    PROMOTE,
    /** On the primary: pg_reload_conf(), once it can read the rendered configuration files. */
    RELOAD_PRIMARY,
    /** On the standby: pg_reload_conf(), once it can read the rendered configuration files. */
    RELOAD_STANDBY
  }

  LifecycleStep {
    actions = Set.copyOf(actions);
  }

  Phase phase() {
    return state.phase();
  }

  String currentPrimary() {
    return state.currentPrimary();
  }

  List<String> stoppedMembers() {
    return state.stoppedMembers();
  }

  MemberJob job() {
    return state.job();
  }
}
