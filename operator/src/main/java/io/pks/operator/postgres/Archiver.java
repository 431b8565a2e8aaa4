package io.pks.operator.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * What a primary's pg_stat_archiver says of WAL archiving: the last segment archived and the last
 * that failed, with their times, and the counts since its statistics were last reset (a restart
 * keeps them; a crash or a promotion of a standby starts them again). With pgBackRest's
 * asynchronous archiving a segment counts as archived once it is in the object store.
 *
 * @param lastArchivedWal null when nothing was archived since the statistics started
 * @param lastFailedWal null when nothing failed since they started
 */
public record Archiver(String lastArchivedWal, Instant lastArchivedTime, String lastFailedWal,
    Instant lastFailedTime, long archivedCount, long failedCount) {

  private static final String QUERY = "SELECT last_archived_wal, last_archived_time, last_failed_wal,"
      + " last_failed_time, archived_count, failed_count FROM pg_stat_archiver";

  /**
   * Reads the archiver's statistics on {@code primary} over {@code sessions}' kept session to it: a
   * look every few seconds costs the primary no new login.
   */
  public static Archiver read(ProbeSessions sessions, PgConnector connector, MemberEndpoint primary)
      throws SQLException {
    return sessions.run(connector, primary, Archiver::read);
  }

  /** Reads the archiver's statistics on {@code connection}'s member. */
  public static Archiver read(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(QUERY)) {
      row.next();
      return new Archiver(row.getString(1), instant(row.getTimestamp(2)), row.getString(3),
          instant(row.getTimestamp(4)), row.getLong(5), row.getLong(6));
    }
  }

  /**
   * Archiving fails now: the last attempt that failed came after the last that succeeded, so the
   * segment it names waits in pg_wal (PostgreSQL retries it, and archives nothing after it).
   */
  public boolean failing() {
    return lastFailedTime != null && (lastArchivedTime == null || lastFailedTime.isAfter(lastArchivedTime));
  }

  private static Instant instant(Timestamp timestamp) {
    return timestamp == null ? null : timestamp.toInstant();
  }
}
