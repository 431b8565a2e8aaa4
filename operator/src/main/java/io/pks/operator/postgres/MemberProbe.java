package io.pks.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes one member with one query (docs/architecture.md, "The probe"): its role and timeline, then
 * either the primary's view of its standby (replication row, lag, slot) or the standby's own
 * receive and replay positions. A switchover's target is asked a second question, over the same
 * session: whether it replayed its old primary's shutdown checkpoint. Never throws for a member
 * that is down: see {@link ProbeResult}.
 */
public final class MemberProbe {
  private static final Logger LOG = LoggerFactory.getLogger(MemberProbe.class);

  /**
   * The other member of the pair, which a primary streams to.
   *
   * @param member its name, its application_name in pg_stat_replication
   * @param slot the slot the primary keeps for it; null when the pair keeps none
   * @param switchoverLsn set when the probed member is a switchover's target, to the old primary's
   *     last recorded position: the probe then also asks whether the last record it replayed is
   *     that primary's shutdown checkpoint, at or after this position ({@link ProbeResult.ShutdownCheckpoint})
   */
  public record Peer(String member, String slot, String switchoverLsn) {
    public Peer(String member, String slot) {
      this(member, slot, null);
    }
  }

  /**
   * The last WAL record a standby replayed, when it is a shutdown checkpoint that starts at or
   * after the given position, by pg_walinspect (PostgreSQL 15 on). A clean stop's checkpoint is a primary's
   * last record: replayed and still the last, it shows that the primary stopped cleanly and that
   * everything it wrote is here. The records are read only when the standby replayed beyond the
   * position (pg_get_wal_records_info refuses an empty range), and the scalar subquery is
   * evaluated only then.
   */
  private static final String SHUTDOWN_CHECKPOINT = """
      SELECT CASE WHEN pg_last_wal_replay_lsn() > ?::pg_lsn THEN (
        SELECT last.start_lsn::text FROM (
          SELECT start_lsn, resource_manager, record_type
          FROM pg_get_wal_records_info(?::pg_lsn, pg_last_wal_replay_lsn())
          ORDER BY start_lsn DESC LIMIT 1) AS last
        WHERE last.resource_manager = 'XLOG' AND last.record_type = 'CHECKPOINT_SHUTDOWN') END
      """;

  /**
   * A custom setting (it has a dot) that PostgreSQL keeps without using: the operator renders into
   * postgresql.conf the hash of the files it was rendered with, so each member says which version it reads.
   */
  public static final String CONFIG_HASH_SETTING = "pks.config_hash";

  /**
   * Everything a decision needs, in one statement and so one round trip: role and timeline; a
   * primary's current position, its row for the standby in pg_stat_replication with the lag
   * computed against that same position, the standby's slot and synchronous_standby_names; a
   * standby's receive and replay positions and its receiver; both roles' configuration (the hash
   * line of the postgresql.conf it can read now, which pg_file_settings parses when asked, the hash
   * it applied, what waits for a restart). pg_current_wal_lsn() raises an error during recovery:
   * CASE evaluates it only on a primary. A primary whose standby does not stream also lists its
   * pg_wal folder for the oldest segment it keeps (by segment number, whatever the timeline: a
   * walsender serves the segments before a fork from the older timeline's files), as the position
   * that segment starts at: whether the standby can ever stream again (see {@link WalGap}).
   */
  private static final String PROBE = """
      WITH role AS (SELECT pg_is_in_recovery() AS standby, timeline_id FROM pg_control_checkpoint()),
           current AS (SELECT CASE WHEN role.standby THEN NULL ELSE pg_current_wal_lsn() END AS lsn FROM role)
      SELECT role.standby, role.timeline_id,
             current.lsn::text,
             r.state, r.sync_state, r.sent_lsn::text, r.write_lsn::text, r.flush_lsn::text,
             r.replay_lsn::text, pg_wal_lsn_diff(current.lsn, r.replay_lsn)::bigint,
             COALESCE(EXTRACT(EPOCH FROM r.replay_lag), 0)::float8,
             s.slot_name, s.active, s.restart_lsn::text,
             current_setting('synchronous_standby_names'),
             pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text, w.status,
             EXTRACT(EPOCH FROM now() - w.last_msg_receipt_time)::float8,
             (SELECT setting FROM pg_file_settings WHERE name = '%1$s' ORDER BY seqno DESC LIMIT 1),
             current_setting('%1$s', true),
             (SELECT string_agg(name, ',' ORDER BY name) FROM pg_settings WHERE pending_restart),
             CASE WHEN current.lsn IS NOT NULL AND r.state IS DISTINCT FROM 'streaming' THEN (
               SELECT ('0/0'::pg_lsn + ('x' || substr(name, 9, 8))::bit(32)::bigint * 4294967296::numeric
                   + ('x' || substr(name, 17, 8))::bit(32)::bigint
                     * (SELECT setting::numeric FROM pg_settings WHERE name = 'wal_segment_size'))::text
               FROM pg_ls_waldir() WHERE name ~ '^[0-9A-F]{24}$' ORDER BY substr(name, 9) LIMIT 1) END
      FROM role CROSS JOIN current
      LEFT JOIN LATERAL (
        SELECT * FROM pg_stat_replication WHERE application_name = ?
        ORDER BY state = 'streaming' DESC, backend_start DESC LIMIT 1) AS r ON true
      LEFT JOIN pg_replication_slots AS s ON s.slot_name = ?
      LEFT JOIN pg_stat_wal_receiver AS w ON true
      """.formatted(MemberProbe.CONFIG_HASH_SETTING);

  private final PgConnector connector;
  private final ProbeSessions sessions;
  private final Clock clock;

  /** Probes over {@code sessions}' kept sessions (the operator's probe). */
  public MemberProbe(PgConnector connector, ProbeSessions sessions, Clock clock) {
    this.connector = connector;
    this.sessions = sessions;
    this.clock = clock;
  }

  /** Probes over a new session each time, closed after it: a one-off probe. */
  public MemberProbe(PgConnector connector, Clock clock) {
    this(connector, null, clock);
  }

  public ProbeResult probe(MemberEndpoint member, Peer peer) {
    try {
      return ProbeSessions.runOn(sessions, connector, member, session -> probe(session, member, peer));
    } catch (SQLException failure) {
      ProbeResult result = ProbeResult.ofFailure(member.member(), failure, clock.instant());
      LOG.debug("probe of {}: {} ({})", member, result.outcome(), result.detail());
      return result;
    }
  }

  private ProbeResult probe(Connection session, MemberEndpoint member, Peer peer) throws SQLException {
    try (PreparedStatement statement = session.prepareStatement(PROBE)) {
      statement.setString(1, peer.member());
      statement.setString(2, peer.slot());
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        boolean standby = row.getBoolean(1);
        long timeline = row.getLong(2);
        ProbeResult.Settings settings = settings(row);
        if (!standby) {
          return ProbeResult.ofPrimary(member.member(), timeline, primaryView(row), settings, clock.instant());
        }
        ProbeResult.ShutdownCheckpoint checkpoint = peer.switchoverLsn() == null ? null
            : shutdownCheckpoint(session, member, peer.switchoverLsn());
        return ProbeResult.ofStandby(member.member(), timeline, standbyView(row, checkpoint), settings,
            clock.instant());
      }
    }
  }

  /**
   * The standby's word on its primary's clean stop since {@code switchoverLsn}. Without
   * pg_walinspect (not created, or an image without PostgreSQL's contrib modules), or when its WAL
   * cannot be read, it is unreadable: nothing is known either way. A lost session is the probe's
   * failure, as for the probe's own query.
   */
  private static ProbeResult.ShutdownCheckpoint shutdownCheckpoint(Connection session, MemberEndpoint member,
      String switchoverLsn) throws SQLException {
    try (PreparedStatement statement = session.prepareStatement(SHUTDOWN_CHECKPOINT)) {
      statement.setString(1, switchoverLsn);
      statement.setString(2, switchoverLsn);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return new ProbeResult.ShutdownCheckpoint(true, row.getString(1));
      }
    } catch (SQLException failure) {
      if (ProbeResult.Outcome.of(failure) == ProbeResult.Outcome.UNREACHABLE) {
        throw failure;
      }
      LOG.debug("{}: its WAL records cannot be read: {}", member, failure.getMessage());
      return ProbeResult.ShutdownCheckpoint.UNREADABLE;
    }
  }

  private static ProbeResult.PrimaryView primaryView(ResultSet row) throws SQLException {
    ProbeResult.StandbyStream stream = row.getString(4) == null ? null
        : new ProbeResult.StandbyStream(row.getString(4), row.getString(5), row.getString(6),
            row.getString(7), row.getString(8), row.getString(9), row.getObject(10, Long.class),
            row.getDouble(11));
    ProbeResult.Slot slot = row.getString(12) == null ? null
        : new ProbeResult.Slot(row.getString(12), row.getBoolean(13), row.getString(14));
    return new ProbeResult.PrimaryView(row.getString(3), stream, slot, row.getString(15), row.getString(23));
  }

  private static ProbeResult.StandbyView standbyView(ResultSet row, ProbeResult.ShutdownCheckpoint checkpoint)
      throws SQLException {
    return new ProbeResult.StandbyView(row.getString(16), row.getString(17), row.getString(18),
        row.getObject(19, Double.class), checkpoint);
  }

  private static ProbeResult.Settings settings(ResultSet row) throws SQLException {
    String pending = row.getString(22);
    return new ProbeResult.Settings(row.getString(20), blankAsNull(row.getString(21)),
        pending == null ? List.of() : List.of(pending.split(",")));
  }

  /** current_setting(name, true) is null for a setting never set, and may be empty: neither is a hash. */
  private static String blankAsNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }
}
