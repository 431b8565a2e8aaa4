package io.pks.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes one member over one short session (docs/architecture.md, "The probe"): its role and timeline, then
 * either the primary's view of its standby (replication row, lag, slot) or the standby's own
 * receive and replay positions. Never throws for a member that is down: see {@link ProbeResult}.
 */
public final class MemberProbe {
  private static final Logger LOG = LoggerFactory.getLogger(MemberProbe.class);

  /**
   * The other member of the pair, which a primary streams to.
   *
   * @param member its name, its application_name in pg_stat_replication
   * @param slot the slot the primary keeps for it; null when the pair keeps none
   */
  public record Peer(String member, String slot) {
  }

  /**
   * A custom setting (it has a dot) that PostgreSQL keeps without using: the operator renders into
   * postgresql.conf the hash of the files it was rendered with, so each member says which version it reads.
   */
  public static final String CONFIG_HASH_SETTING = "pks.config_hash";

  private static final String ROLE = "SELECT pg_is_in_recovery(), timeline_id FROM pg_control_checkpoint()";

  /** One statement, so the lag is computed against the same current LSN that is reported. */
  private static final String PRIMARY = """
      WITH current AS (SELECT pg_current_wal_lsn() AS lsn)
      SELECT current.lsn::text,
             r.state, r.sync_state, r.sent_lsn::text, r.write_lsn::text, r.flush_lsn::text,
             r.replay_lsn::text, pg_wal_lsn_diff(current.lsn, r.replay_lsn)::bigint,
             COALESCE(EXTRACT(EPOCH FROM r.replay_lag), 0)::float8,
             s.slot_name, s.active, s.restart_lsn::text,
             current_setting('synchronous_standby_names')
      FROM current
      LEFT JOIN LATERAL (
        SELECT * FROM pg_stat_replication WHERE application_name = ?
        ORDER BY state = 'streaming' DESC, backend_start DESC LIMIT 1) AS r ON true
      LEFT JOIN pg_replication_slots AS s ON s.slot_name = ?
      """;

  private static final String STANDBY = """
      SELECT pg_last_wal_receive_lsn()::text, pg_last_wal_replay_lsn()::text, r.status,
             EXTRACT(EPOCH FROM now() - r.last_msg_receipt_time)::float8
      FROM (SELECT 1) AS one LEFT JOIN pg_stat_wal_receiver AS r ON true
      """;

  /**
   * pg_file_settings parses postgresql.conf when queried: the hash line of the file the member can
   * read now, whether or not it was reloaded since.
   */
  private static final String SETTINGS = """
      SELECT (SELECT setting FROM pg_file_settings WHERE name = '%1$s' ORDER BY seqno DESC LIMIT 1),
             current_setting('%1$s', true),
             (SELECT string_agg(name, ',' ORDER BY name) FROM pg_settings WHERE pending_restart)
      """.formatted(MemberProbe.CONFIG_HASH_SETTING);

  private final PgConnector connector;
  private final Clock clock;

  public MemberProbe(PgConnector connector, Clock clock) {
    this.connector = connector;
    this.clock = clock;
  }

  public ProbeResult probe(MemberEndpoint member, Peer peer) {
    try (Connection connection = connector.open(member)) {
      boolean inRecovery;
      long timeline;
      try (Statement statement = connection.createStatement();
          ResultSet row = statement.executeQuery(ROLE)) {
        row.next();
        inRecovery = row.getBoolean(1);
        timeline = row.getLong(2);
      }
      return inRecovery
          ? ProbeResult.ofStandby(member.member(), timeline, standbyView(connection), settings(connection),
              clock.instant())
          : ProbeResult.ofPrimary(member.member(), timeline, primaryView(connection, peer), settings(connection),
              clock.instant());
    } catch (SQLException failure) {
      ProbeResult result = ProbeResult.ofFailure(member.member(), failure, clock.instant());
      LOG.debug("probe of {}: {} ({})", member, result.outcome(), result.detail());
      return result;
    }
  }

  private static ProbeResult.PrimaryView primaryView(Connection connection, Peer peer) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(PRIMARY)) {
      statement.setString(1, peer.member());
      statement.setString(2, peer.slot());
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        ProbeResult.StandbyStream stream = row.getString(2) == null ? null
            : new ProbeResult.StandbyStream(row.getString(2), row.getString(3), row.getString(4),
                row.getString(5), row.getString(6), row.getString(7), row.getObject(8, Long.class),
                row.getDouble(9));
        ProbeResult.Slot slot = row.getString(10) == null ? null
            : new ProbeResult.Slot(row.getString(10), row.getBoolean(11), row.getString(12));
        return new ProbeResult.PrimaryView(row.getString(1), stream, slot, row.getString(13));
      }
    }
  }

  private static ProbeResult.Settings settings(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(SETTINGS)) {
      row.next();
      String pending = row.getString(3);
      return new ProbeResult.Settings(row.getString(1), blankAsNull(row.getString(2)),
          pending == null ? List.of() : List.of(pending.split(",")));
    }
  }

  /** current_setting(name, true) is null for a setting never set, and may be empty: neither is a hash. */
  private static String blankAsNull(String value) {
    return value == null || value.isEmpty() ? null : value;
  }

  private static ProbeResult.StandbyView standbyView(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery(STANDBY)) {
      row.next();
      return new ProbeResult.StandbyView(row.getString(1), row.getString(2), row.getString(3),
          row.getObject(4, Double.class));
    }
  }
}
