package io.pks.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Promotes a standby to primary with pg_promote(), after clearing its
 * synchronous_standby_names: a new primary has no standby of its own yet, and a synchronous
 * setting inherited from the old primary would make every write wait forever (docs/safety.md,
 * "Failover"). Clearing first means the new primary never runs with it. Idempotent: a member that
 * is already a primary is left alone.
 */
public final class Promotion {
  private static final Logger LOG = LoggerFactory.getLogger(Promotion.class);

  /** What {@link #promote} did. */
  public enum Result {
    PROMOTED,
    /** Not in recovery: nothing was changed. */
    ALREADY_PRIMARY,
    /** pg_promote() did not finish within the wait; promotion may still complete. Probe again. */
    NOT_COMPLETED
  }

  private final PgConnector connector;

  public Promotion(PgConnector connector) {
    this.connector = connector;
  }

  /** @param wait how long pg_promote() may take to finish, in whole seconds (at least 1) */
  public Result promote(MemberEndpoint standby, Duration wait) throws SQLException {
    int waitSeconds = (int) Math.max(1, wait.toSeconds());
    try (Connection connection = connector.allowing(Duration.ofSeconds(waitSeconds)).open(standby)) {
      if (!inRecovery(connection)) {
        LOG.info("{}: already a primary, nothing to promote", standby);
        return Result.ALREADY_PRIMARY;
      }
      if (SynchronousReplication.clear(connection)) {
        LOG.info("{}: cleared synchronous_standby_names before promotion: it has no standby yet", standby);
      }
      try (PreparedStatement promote = connection.prepareStatement(
          "SELECT pg_promote(wait => true, wait_seconds => ?)")) {
        promote.setInt(1, waitSeconds);
        try (ResultSet row = promote.executeQuery()) {
          row.next();
          Result result = row.getBoolean(1) ? Result.PROMOTED : Result.NOT_COMPLETED;
          LOG.info("{}: promotion {}", standby, result == Result.PROMOTED ? "complete"
              : "not complete after " + waitSeconds + " s");
          return result;
        }
      }
    }
  }

  private static boolean inRecovery(Connection connection) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet row = statement.executeQuery("SELECT pg_is_in_recovery()")) {
      row.next();
      return row.getBoolean(1);
    }
  }
}
