package io.pks.operator.postgres;

import java.sql.Connection;
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
    /** Not signalled, or not complete within the wait; the promotion may still complete. Probe again. */
    NOT_COMPLETED
  }

  /** How often {@link #promote} asks whether the promotion has completed. */
  private static final Duration POLL = Duration.ofMillis(10);

  private final PgConnector connector;
  /** The probe's kept sessions, or null: a session of its own for each promotion. */
  private final ProbeSessions sessions;

  /** Promotes over a new session, closed after it. */
  public Promotion(PgConnector connector) {
    this(connector, null);
  }

  /**
   * Promotes over the kept session {@code sessions} holds to the member (opened with
   * {@code connector}, the probe's, when there is none): a failover or switchover then waits for
   * no new login, which took 100 to 140 ms of a loaded machine's switchover (BENCHMARKS.md).
   * Each of the promotion's statements is short, within the kept session's wait.
   */
  public Promotion(PgConnector connector, ProbeSessions sessions) {
    this.connector = connector;
    this.sessions = sessions;
  }

  /** @param wait how long the promotion may take to complete, in whole seconds (at least 1) */
  public Result promote(MemberEndpoint standby, Duration wait) throws SQLException {
    int waitSeconds = (int) Math.max(1, wait.toSeconds());
    LOG.debug("{}: promoting", standby);
    if (sessions != null) {
      return sessions.run(connector, standby, connection -> promote(connection, standby, waitSeconds));
    }
    try (Connection connection = connector.allowing(Duration.ofSeconds(waitSeconds)).open(standby)) {
      return promote(connection, standby, waitSeconds);
    }
  }

  private static Result promote(Connection connection, MemberEndpoint standby, int waitSeconds) throws SQLException {
    if (!inRecovery(connection)) {
      LOG.info("{}: already a primary, nothing to promote", standby);
      return Result.ALREADY_PRIMARY;
    }
    if (SynchronousReplication.clear(connection)) {
      LOG.info("{}: cleared synchronous_standby_names before promotion: it has no standby yet", standby);
    }
    if (!signalled(connection)) {
      LOG.info("{}: promotion not signalled", standby);
      return Result.NOT_COMPLETED;
    }
    Result result = awaitPromotion(connection, System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos());
    LOG.info("{}: promotion {}", standby, result == Result.PROMOTED ? "complete"
        : "not complete after " + waitSeconds + " s");
    return result;
  }

  /** Asks for the promotion without pg_promote()'s own wait: true once the server was signalled. */
  private static boolean signalled(Connection connection) throws SQLException {
    return answer(connection, "SELECT pg_promote(wait => false)");
  }

  /**
   * Asks every {@link #POLL} whether recovery has ended, until {@code deadline} (System.nanoTime()).
   * pg_promote()'s own wait looks only every 100 ms, so it answers up to 100 ms after the new
   * primary takes writes; during a failover every commit waits for that answer (the promotion is
   * recorded, then -rw follows).
   */
  private static Result awaitPromotion(Connection connection, long deadline) throws SQLException {
    while (inRecovery(connection)) {
      if (System.nanoTime() - deadline > 0) {
        return Result.NOT_COMPLETED;
      }
      try {
        Thread.sleep(POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Result.NOT_COMPLETED;
      }
    }
    return Result.PROMOTED;
  }

  private static boolean inRecovery(Connection connection) throws SQLException {
    return answer(connection, "SELECT pg_is_in_recovery()");
  }

  /** The one boolean {@code query} answers. */
  private static boolean answer(Connection connection, String query) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet row = statement.executeQuery(query)) {
      row.next();
      return row.getBoolean(1);
    }
  }
}
