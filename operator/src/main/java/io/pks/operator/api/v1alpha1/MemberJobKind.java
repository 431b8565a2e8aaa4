package io.pks.operator.api.v1alpha1;

/** What a Job does to a member's data while the member is stopped. */
public enum MemberJobKind {
  /** initdb of the bootstrap primary. */
  Initdb,
  /** pgBackRest restore of the bootstrap primary from spec.bootstrap.recovery, in place of initdb. */
  Restore,
  /** pg_basebackup of the primary into the standby's volume, then the swap. */
  Seed,
  /**
   * An old primary made the standby after a switchover or failover: pg_rewind of its data to the
   * primary's timeline, or, when the timelines do not allow it or the rewind fails, a Seed's copy.
   */
  Rejoin
}
