package io.pks.operator.postgres;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * The sessions a PostgreSQL server has seen end (pg_stat_database.sessions over every database),
 * read over one connection held open, so that reading adds none. The operator opens one session per
 * probe: more sessions are the proof that it probed, before a test says that nothing followed.
 */
public final class SessionCount implements AutoCloseable {
  private final Connection connection;

  public SessionCount(Connection connection) {
    this.connection = connection;
  }

  public long now() throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT sum(sessions) FROM pg_stat_database")) {
      row.next();
      return row.getLong(1);
    }
  }

  /** Waits until {@code count} more sessions have ended than now: that many probes, at least, ran. */
  public void awaitMore(long count, Duration bound) throws SQLException {
    long target = now() + count;
    await(count + " more sessions").atMost(bound).pollInterval(Duration.ofMillis(100)).until(() -> now() >= target);
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
