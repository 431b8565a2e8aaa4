package io.pks.operator.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What a member says of its sessions, read over a session held open so that reading opens none. */
final class ServerSessions {
  private ServerSessions() {
  }

  /** Sessions established on the member (pg_stat_database; a backend counts its own before its first answer). */
  static long established(Connection held) throws SQLException {
    return Long.parseLong(single(held, "SELECT sum(sessions) FROM pg_stat_database"));
  }

  /** The probe's backends on the member, by process id, comma-separated. */
  static String probeBackends(Connection held) throws SQLException {
    return single(held, "SELECT string_agg(pid::text, ',') FROM pg_stat_activity WHERE application_name = '"
        + PgConnector.PROBE_APPLICATION_NAME + "'");
  }

  /** The first column of the first row {@code sql} answers. */
  static String single(Connection held, String sql) throws SQLException {
    try (Statement statement = held.createStatement(); ResultSet row = statement.executeQuery(sql)) {
      row.next();
      return row.getString(1);
    }
  }
}
