package io.pks.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sets the primary's synchronous_standby_names (ALTER SYSTEM, then a reload). Enabling names the
 * standby and is refused while that standby is not streaming: with a synchronous standby that is
 * not there, every commit waits, even CREATE ROLE (docs/safety.md, "Synchronous replication").
 * Enabling then waits briefly for pg_stat_replication to show the standby as sync.
 */
public final class SynchronousReplication {
  private static final Logger LOG = LoggerFactory.getLogger(SynchronousReplication.class);

  /** What {@link #enable} did. */
  public enum Enabling {
    ENABLED,
    ALREADY_ENABLED,
    /** Nothing changed: the standby has no streaming row in the primary's pg_stat_replication. */
    REFUSED_STANDBY_NOT_STREAMING
  }

  /** How long {@link #enable} waits for the standby to be shown as sync; short, within the kept session's wait. */
  static final Duration SYNC_SHOWN_WAIT = Duration.ofMillis(500);
  private static final Duration SYNC_SHOWN_POLL = Duration.ofMillis(5);

  private final PgConnector connector;
  /** The probe's kept sessions, or null: a session of its own for each call. */
  private final ProbeSessions sessions;

  /** Each call over a new session, closed after it. */
  public SynchronousReplication(PgConnector connector) {
    this(connector, null);
  }

  /**
   * Each call over the kept session {@code sessions} holds to the primary (opened with
   * {@code connector}, the probe's, when there is none), as {@link ReplicationSetup}: the step
   * that ends a bootstrap waits for no login.
   */
  public SynchronousReplication(PgConnector connector, ProbeSessions sessions) {
    this.connector = connector;
    this.sessions = sessions;
  }

  /** Makes {@code standby} (a member name, its application_name) the primary's synchronous standby. */
  public Enabling enable(MemberEndpoint primary, String standby) throws SQLException {
    String wanted = standbyNames(standby);
    return ProbeSessions.runOn(sessions, connector, primary, connection -> {
      if (wanted.equals(current(connection))) {
        return Enabling.ALREADY_ENABLED;
      }
      if (!streaming(connection, standby)) {
        LOG.info("{}: synchronous replication not enabled: standby {} is not streaming", primary, standby);
        return Enabling.REFUSED_STANDBY_NOT_STREAMING;
      }
      set(connection, wanted);
      boolean shown = awaitSync(connection, standby);
      LOG.info("{}: synchronous replication enabled: synchronous_standby_names = {}{}", primary, wanted,
          shown ? "" : "; not shown as sync within " + SYNC_SHOWN_WAIT.toMillis() + " ms");
      return Enabling.ENABLED;
    });
  }

  /**
   * Clears {@code member}'s synchronous_standby_names; true if it was set. A primary then commits
   * without waiting for any standby; a standby, where it does nothing, need not have it cleared
   * when promoted.
   */
  public boolean disable(MemberEndpoint member) throws SQLException {
    return ProbeSessions.runOn(sessions, connector, member, connection -> {
      boolean changed = clear(connection);
      if (changed) {
        LOG.info("{}: synchronous_standby_names cleared", member);
      }
      return changed;
    });
  }

  /** synchronous_standby_names for one named standby, quoted as an identifier. */
  static String standbyNames(String standby) {
    return "FIRST 1 (\"" + standby.replace("\"", "\"\"") + "\")";
  }

  /** Clears synchronous_standby_names on the session's server if set; true if it was set. */
  static boolean clear(Connection connection) throws SQLException {
    if (current(connection).isEmpty()) {
      return false;
    }
    set(connection, "");
    return true;
  }

  private static String current(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT current_setting('synchronous_standby_names')")) {
      row.next();
      return row.getString(1);
    }
  }

  /**
   * Waits, at most {@link #SYNC_SHOWN_WAIT}, until pg_stat_replication shows {@code standby} as
   * {@code sync}: its walsender reads the reloaded setting within milliseconds, and the probe that
   * follows the recorded step then shows it, instead of the one after (an interval later).
   */
  private static boolean awaitSync(Connection connection, String standby) throws SQLException {
    long deadline = System.nanoTime() + SYNC_SHOWN_WAIT.toNanos();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT 1 FROM pg_stat_replication WHERE application_name = ? AND sync_state = 'sync'")) {
      statement.setString(1, standby);
      while (true) {
        try (ResultSet row = statement.executeQuery()) {
          if (row.next()) {
            return true;
          }
        }
        if (System.nanoTime() - deadline > 0) {
          return false;
        }
        try {
          Thread.sleep(SYNC_SHOWN_POLL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
  }

  private static boolean streaming(Connection connection, String standby) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT 1 FROM pg_stat_replication WHERE application_name = ? AND state = 'streaming'")) {
      statement.setString(1, standby);
      try (ResultSet row = statement.executeQuery()) {
        return row.next();
      }
    }
  }

  /** ALTER SYSTEM takes no bind parameters: the value is escaped as a literal by the driver. */
  static void set(Connection connection, String value) throws SQLException {
    String literal = connection.unwrap(PGConnection.class).escapeLiteral(value);
    try (Statement statement = connection.createStatement()) {
      statement.execute("ALTER SYSTEM SET synchronous_standby_names = '" + literal + "'");
      statement.execute("SELECT pg_reload_conf()");
    }
  }
}
