package io.pks.operator.reconciler;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import io.pks.operator.api.v1alpha1.ReplicationStatus;
import io.pks.operator.postgres.ProbeResult;
import io.pks.operator.postgres.WalGap;

/**
 * The latest probe of a pair, reduced to what the status shows. Two observations are equal when
 * nothing meaningful differs: roles, timeline, replication state, sync state, slot, the primary's
 * synchronous_standby_names, the lag's
 * bucket, the members' configuration reports and a switchover target's word on the shutdown
 * checkpoint. The polling event source triggers a reconcile only when the observation is not equal to
 * the previous one, so an idle pair costs no status write however often it is probed.
 *
 * @param primary the member that answered as primary; null if none did
 * @param standby the member that answered as standby; null if none did
 * @param primaryReachedAt when the status's current primary last answered as primary (or when
 *     the operator started probing it); not part of equality: the failover clock, not a change
 * @param standbyStreamedAt likewise, when the standby was last seen streaming
 * @param primaryWalLsn the primary's pg_current_wal_lsn(); null when no member answers as primary
 * @param standbyReceivedLsn the standby's pg_last_wal_receive_lsn(); part of equality only while no
 *     member answers as primary (a switchover or failover deciding), so a busy pair costs no reconciles
 * @param primaryStarting the status's current primary answered that it is starting up (57P03: crash
 *     recovery, a restart, or a shutdown under way)
 * @param primaryHeardAt when the standby's WAL receiver, streaming, last got a message from the
 *     primary, as the standby reports it; null when it does not stream. Not part of equality: a
 *     clock, like primaryReachedAt
 * @param settings what each member that answered reports of its configuration (the file it sees,
 *     the one it applied, what waits for a restart), by member name
 * @param standbyWalGap the WAL the standby needs and the primary no longer holds; null when none is
 *     missing, or not known to be. Part of equality by its presence only
 * @param shutdownCheckpoint what the standby, a switchover's target, shows of its old primary's clean
 *     stop; null when it was not asked (no switchover) or did not answer
 */
public record ReplicationObservation(String primary, String standby, Long timeline,
    ReplicationStatus replication, Instant primaryReachedAt, Instant standbyStreamedAt, String primaryWalLsn,
    String standbyReceivedLsn, boolean primaryStarting, Instant primaryHeardAt,
    Map<String, ProbeResult.Settings> settings, WalGap standbyWalGap, ProbeResult.ShutdownCheckpoint shutdownCheckpoint) {

  static final String STATE_NONE = "none";
  static final String STATE_UNKNOWN = "unknown";

  public ReplicationObservation {
    settings = Map.copyOf(settings);
  }

  /**
   * An observation of a primary that is not starting up, without the standby's word on when it last
   * heard from it, in which no member reported its configuration.
   */
  public ReplicationObservation(String primary, String standby, Long timeline, ReplicationStatus replication,
      Instant primaryReachedAt, Instant standbyStreamedAt, String primaryWalLsn, String standbyReceivedLsn) {
    this(primary, standby, timeline, replication, primaryReachedAt, standbyStreamedAt, primaryWalLsn,
        standbyReceivedLsn, false, null, Map.of(), null, null);
  }

  public boolean streaming() {
    return "streaming".equals(replication.state());
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ReplicationObservation that && key().equals(that.key());
  }

  @Override
  public int hashCode() {
    return key().hashCode();
  }

  private Object key() {
    return java.util.Arrays.asList(primary, standby, timeline, replication.state(), replication.syncState(),
        replication.slot(), replication.synchronousStandbyNames(), lagBucket(replication.lagBytes()), lagSecondsBucket(replication.replayLagSeconds()),
        primary == null ? standbyReceivedLsn : null, primaryStarting, settings, standbyWalGap != null,
        shutdownCheckpoint);
  }

  /**
   * Bytes of lag in coarse steps: up to 64 KiB, 1 MiB, 16 MiB, 256 MiB, more. An idle primary
   * writes a few bytes of WAL now and then (running-transactions records, checkpoints): a lag of a
   * few bytes that comes and goes is not a change.
   */
  static int lagBucket(Long bytes) {
    if (bytes == null) {
      return -1;
    }
    long[] bounds = {64L << 10, 1L << 20, 16L << 20, 256L << 20};
    for (int i = 0; i < bounds.length; i++) {
      if (bytes <= bounds[i]) {
        return i;
      }
    }
    return bounds.length;
  }

  /**
   * Seconds of replay lag in coarse steps: under 1, 10, 60, more. PostgreSQL reports none (null)
   * once an idle standby has caught up and a fraction of a second while WAL trickles in: both are
   * "under a second", so the status does not flap between them.
   */
  static int lagSecondsBucket(Double seconds) {
    if (seconds == null) {
      return 0;
    }
    double[] bounds = {1, 10, 60};
    for (int i = 0; i < bounds.length; i++) {
      if (seconds <= bounds[i]) {
        return i;
      }
    }
    return bounds.length;
  }

  @Override
  public String toString() {
    return "primary=" + primary + " standby=" + standby + " timeline=" + timeline + " state="
        + replication.state() + " sync=" + replication.syncState() + " lag=" + replication.lagBytes()
        + " slot=" + Objects.toString(replication.slot(), "none")
        // The positions a switchover's decision compares: the primary's while it answers, then the target's.
        + (primary != null ? " wal=" + primaryWalLsn
            : " received=" + standbyReceivedLsn + (primaryStarting ? " primaryStarting" : ""))
        + (shutdownCheckpoint == null ? "" : " shutdownCheckpoint="
            + (shutdownCheckpoint.readable() ? Objects.toString(shutdownCheckpoint.lsn(), "none") : "unreadable"));
  }
}
