package io.pks.operator.postgres;

import java.sql.SQLException;
import java.time.Instant;
import java.util.List;

/**
 * What one probe saw of one member, at {@code observedAt}. A value in every case: a member that
 * cannot be reached is an outcome, not an exception, because the operator's decisions (failover,
 * degrade) are made from these values. LSNs are PostgreSQL's text form, e.g. 0/3000148.
 *
 * @param detail why the outcome is not REACHABLE (the driver's message); null when reachable
 * @param role null unless REACHABLE
 * @param timeline timeline of the latest checkpoint (pg_control_checkpoint()); null unless REACHABLE
 * @param primary what a primary reports; null unless role is PRIMARY
 * @param standby what a standby reports; null unless role is STANDBY
 * @param settings which configuration it sees and applied, and what waits for a restart; null unless REACHABLE
 */
public record ProbeResult(
    String member,
    Outcome outcome,
    String detail,
    Role role,
    Long timeline,
    PrimaryView primary,
    StandbyView standby,
    Settings settings,
    Instant observedAt) {

  /** How far the probe got. Only REACHABLE carries the member's state. */
  public enum Outcome {
    /** Queried: role, timeline and positions are filled in. */
    REACHABLE,
    /**
     * Up but accepting no session: starting, in crash recovery, a standby not yet consistent, or
     * shutting down (SQLSTATE 57P03).
     */
    STARTING,
    /**
     * Up, but it refused the operator's session: password, pg_hba.conf or connection limit
     * (SQLSTATE class 28, 53300). Running, yet its state is unknown.
     */
    REJECTED,
    /**
     * No answer within the timeouts: connection refused or timed out, unknown host, session lost or
     * a statement timed out. Stopped, not yet seeded, or cut off: the probe cannot tell which.
     */
    UNREACHABLE,
    /** A session was open but a probe query failed unexpectedly; detail says what. */
    FAILED;

    static Outcome of(SQLException failure) {
      String state = failure.getSQLState();
      if (state == null || state.startsWith("08") || state.equals("57P01") || state.equals("57P02")
          || state.equals("57014")) {
        return UNREACHABLE;
      }
      if (state.equals("57P03")) {
        return STARTING;
      }
      if (state.startsWith("28") || state.equals("53300")) {
        return REJECTED;
      }
      return FAILED;
    }
  }

  /** From pg_is_in_recovery(). */
  public enum Role {
    PRIMARY, STANDBY
  }

  /**
   * @param currentWalLsn pg_current_wal_lsn()
   * @param standbyStream its pg_stat_replication row for the standby; null while none is connected
   * @param standbySlot the standby's slot from pg_replication_slots; null when there is none
   * @param synchronousStandbyNames its synchronous_standby_names: whom its commits wait for; empty for none
   * @param oldestWalLsn where the oldest WAL segment left in its pg_wal starts; read only while its
   *     standby does not stream (null otherwise, and when pg_wal holds no segment)
   */
  public record PrimaryView(String currentWalLsn, StandbyStream standbyStream, Slot standbySlot,
      String synchronousStandbyNames, String oldestWalLsn) {
  }

  /**
   * One pg_stat_replication row.
   *
   * @param state startup, catchup, streaming, backup or stopping
   * @param syncState async, potential, sync or quorum
   * @param lagBytes WAL between the primary's current position and the standby's replay position;
   *     null until the standby reports one
   * @param replayLagSeconds replay_lag; 0 when PostgreSQL reports none (caught up and idle)
   */
  public record StandbyStream(String state, String syncState, String sentLsn, String writeLsn,
      String flushLsn, String replayLsn, Long lagBytes, double replayLagSeconds) {
  }

  /** One pg_replication_slots row; restartLsn is null until the slot reserves WAL. */
  public record Slot(String name, boolean active, String restartLsn) {
  }

  /**
   * @param receiveLsn pg_last_wal_receive_lsn(); null before anything was streamed
   * @param replayLsn pg_last_wal_replay_lsn()
   * @param walReceiverStatus pg_stat_wal_receiver.status (streaming, ...); null without a receiver
   * @param secondsSinceReceipt how long ago, by the standby's own clock, its receiver last got a
   *     message (WAL or keepalive) from the primary; null without a receiver
   * @param shutdownCheckpoint what its WAL shows of its primary's clean stop, asked only of a
   *     switchover's target ({@link MemberProbe.Peer#switchoverLsn}); null when not asked
   */
  public record StandbyView(String receiveLsn, String replayLsn, String walReceiverStatus,
      Double secondsSinceReceipt, ShutdownCheckpoint shutdownCheckpoint) {
  }

  /**
   * Whether a switchover's target replayed its old primary's shutdown checkpoint: the record a
   * primary writes last in a clean stop, after every commit (docs/safety.md, "Switchover"). Read
   * with pg_walinspect over the target's own WAL.
   *
   * @param readable whether the target could read its WAL records (pg_walinspect installed); when
   *     not, nothing is known either way
   * @param lsn where that checkpoint starts, when it is the last record the target replayed and
   *     starts at or after the asked position; null otherwise
   */
  public record ShutdownCheckpoint(boolean readable, String lsn) {
    static final ShutdownCheckpoint UNREADABLE = new ShutdownCheckpoint(false, null);

    /** Replayed, and the last record: the old primary stopped cleanly and the target has all it wrote. */
    public boolean replayed() {
      return lsn != null;
    }
  }

  /**
   * The configuration as the member reports it: the {@code pks.config_hash} of the postgresql.conf it
   * can read now (pg_file_settings reads the file when asked) and the one it applied
   * (current_setting), and the settings whose new value waits for a restart (pg_settings.pending_restart).
   *
   * @param fileHash null when the file it reads has no hash (an older operator's)
   * @param appliedHash null when it applied none
   * @param pendingRestart setting names, sorted; empty when none
   */
  public record Settings(String fileHash, String appliedHash, List<String> pendingRestart) {
    public Settings {
      pendingRestart = List.copyOf(pendingRestart);
    }
  }

  static ProbeResult ofPrimary(String member, long timeline, PrimaryView primary, Settings settings,
      Instant observedAt) {
    return new ProbeResult(member, Outcome.REACHABLE, null, Role.PRIMARY, timeline, primary, null, settings,
        observedAt);
  }

  static ProbeResult ofStandby(String member, long timeline, StandbyView standby, Settings settings,
      Instant observedAt) {
    return new ProbeResult(member, Outcome.REACHABLE, null, Role.STANDBY, timeline, null, standby, settings,
        observedAt);
  }

  static ProbeResult ofFailure(String member, SQLException failure, Instant observedAt) {
    return new ProbeResult(member, Outcome.of(failure), failure.getMessage(), null, null, null, null, null,
        observedAt);
  }
}
