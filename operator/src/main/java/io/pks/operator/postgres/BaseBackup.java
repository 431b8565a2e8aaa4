package io.pks.operator.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A full base backup of a primary into its pair's pgBackRest repository (spec.backup), run by the
 * member's own PostgreSQL with COPY FROM PROGRAM: so it runs inside the member's container, where
 * PGDATA, pgBackRest's configuration and the object store's keys are, as the postgres user and with
 * the environment the entrypoint gave the server, and the operator needs no exec into pods. It
 * needs the superuser the operator connects as, and a primary: the script's output lines come back
 * through a temporary table, which a standby cannot create.
 */
public final class BaseBackup {
  private BaseBackup() {
  }

  /**
   * Where a backup that reads the standby's files finds them: the host of the standby's backup
   * server and its port, and the standby's data directory, socket folder and port as its
   * PostgreSQL reports them (pgBackRest checks the data directory against the standby's, and
   * connects to it over that socket from the server's side).
   */
  public record Standby(String host, int serverPort, String dataDirectory, String socketDirectory, int port) {
    /** backup.sh's arguments for this standby. */
    List<String> arguments() {
      return List.of(host, Integer.toString(serverPort), dataDirectory, socketDirectory, Integer.toString(port));
    }
  }

  /**
   * The script with {@code arguments}, its output, then its exit status on a last line of its own;
   * tabs and backslashes blanked, since COPY's text format would read them as column separators and
   * escapes.
   */
  static String program(List<String> arguments) {
    StringBuilder script = new StringBuilder("sh \"$PKS_SCRIPTS_DIR/backup.sh\"");
    arguments.forEach(argument -> script.append(' ').append(shellQuote(argument)));
    return "{ " + script + " 2>&1; echo \"exit $?\"; } | tr '\\t\\\\' '  '";
  }

  /**
   * What the standby's PostgreSQL says of where it is, over {@code standbyConnection}, for a
   * backup that reads its files through the backup server at {@code host}:{@code serverPort}.
   */
  public static Standby standby(Connection standbyConnection, String host, int serverPort) throws SQLException {
    try (Statement statement = standbyConnection.createStatement();
        ResultSet row = statement.executeQuery("SELECT current_setting('data_directory'),"
            + " split_part(current_setting('unix_socket_directories'), ',', 1), current_setting('port')::int")) {
      row.next();
      return new Standby(host, serverPort, row.getString(1), row.getString(2).strip(), row.getInt(3));
    }
  }

  /** The line on which backup.sh gives pgBackRest's {@code info --output=json} after a backup. */
  static final String INFO_PREFIX = "pgbackrest info: ";
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What the script said: {@code succeeded} when it exited 0, and its last line before the exit
   * status (the backup's label, or why it failed).
   *
   * @param firstRecoverabilityPoint the end of the oldest backup the repository keeps once this one
   *     and the expiry after it are done; null when the script did not get that far
   */
  public record Outcome(boolean succeeded, String lastLine, Instant firstRecoverabilityPoint) {
  }

  /**
   * Takes the backup on {@code connection}'s member, the primary, and waits for it, however long it
   * takes: reading the files of {@code standby}, or of the primary itself when empty.
   */
  public static Outcome take(Connection connection, Optional<Standby> standby) throws SQLException {
    List<String> lines = new ArrayList<>();
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET LOCAL statement_timeout = 0");
      statement.execute("CREATE TEMPORARY TABLE pks_backup_output (line text) ON COMMIT DROP");
      statement.execute("COPY pks_backup_output FROM PROGRAM "
          + quote(program(standby.map(Standby::arguments).orElse(List.of()))) + " WITH (FORMAT text)");
      try (ResultSet rows = statement.executeQuery("SELECT line FROM pks_backup_output")) {
        while (rows.next()) {
          lines.add(rows.getString(1));
        }
      }
    } finally {
      connection.rollback();
      connection.setAutoCommit(autoCommit);
    }
    return outcome(lines);
  }

  static Outcome outcome(List<String> lines) {
    String status = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    String last = lines.size() < 2 ? "backup.sh said nothing" : lines.get(lines.size() - 2).strip();
    Instant first = lines.stream().filter(line -> line.startsWith(INFO_PREFIX)).reduce((a, b) -> b)
        .flatMap(line -> oldestBackupStop(line.substring(INFO_PREFIX.length()))).orElse(null);
    return new Outcome(status.equals("exit 0"), last, first);
  }

  /**
   * The stop time of the stanza's oldest backup in pgBackRest's {@code info --output=json} (one
   * stanza, its backups oldest first); empty when it lists none or cannot be read.
   */
  static Optional<Instant> oldestBackupStop(String infoJson) {
    try {
      JsonNode stop = JSON.readTree(infoJson).path(0).path("backup").path(0).path("timestamp").path("stop");
      return stop.isIntegralNumber() ? Optional.of(Instant.ofEpochSecond(stop.asLong())) : Optional.empty();
    } catch (JsonProcessingException unreadable) {
      return Optional.empty();
    }
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  private static String shellQuote(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }
}
