package io.pks.operator.postgres;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The operator's probes of one PostgreSQL server, seen in pg_stat_activity: each probe is one
 * query over the probe's kept session (application_name {@value PgConnector#PROBE_APPLICATION_NAME}),
 * so each moves that session's query_start. Read over one connection held open, which is not the
 * probe's. More probes are the proof that the operator ran, before a test says nothing followed.
 */
public final class ProbeCount implements AutoCloseable {
  private static final String PROBES = "SELECT pid, query_start FROM pg_stat_activity WHERE application_name = '"
      + PgConnector.PROBE_APPLICATION_NAME + "' AND query_start IS NOT NULL";

  private final Connection connection;

  public ProbeCount(Connection connection) {
    this.connection = connection;
  }

  /**
   * Waits until {@code count} probes started after this call: a poll every 50 ms sees each one,
   * since the probe runs at most one query a probe interval (a second by default) on a session.
   */
  public void awaitMore(long count, Duration bound) throws SQLException {
    Set<String> before = probesNow();
    Set<String> seen = new HashSet<>();
    await(count + " more probes").atMost(bound).pollInterval(Duration.ofMillis(50)).until(() -> {
      Set<String> now = probesNow();
      now.removeAll(before);
      seen.addAll(now);
      return seen.size() >= count;
    });
  }

  private Set<String> probesNow() throws SQLException {
    Set<String> probes = new HashSet<>();
    try (Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(PROBES)) {
      while (rows.next()) {
        probes.add(rows.getInt(1) + "@" + rows.getString(2));
      }
    }
    return probes;
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
