package io.pks.operator.postgres;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * CHECKPOINT on a primary that a switchover is about to stop, as Patroni's graceful demotion does:
 * the buffers written since the last checkpoint are flushed while the primary still takes writes,
 * so that its shutdown checkpoint, which the switchover's write gap waits for, has little left to
 * flush. Bounded by {@code wait}: a checkpoint that takes longer goes on in the background (the
 * checkpointer does not stop when the command's wait is cancelled), and the shutdown checkpoint
 * comes after it; the switchover does not wait longer for it.
 */
public final class Checkpoint {

  /** What {@link #beforeStop} saw. */
  public enum Result {
    DONE,
    /** Still under way after the wait: the shutdown checkpoint will come after it. */
    NOT_FINISHED
  }

  /** query_canceled: the statement_timeout set for the checkpoint's wait ran out. */
  private static final String QUERY_CANCELED = "57014";

  /** Room beyond the statement's own timeout before the session gives up on the server's answer. */
  private static final Duration ANSWER_MARGIN = Duration.ofSeconds(1);

  private final PgConnector connector;
  /** The probe's kept sessions, or null: a session of its own for each call. */
  private final ProbeSessions sessions;

  /**
   * Over the kept session {@code sessions} holds to the primary (opened with {@code connector}, the
   * probe's, when there is none), as the switchover's other actions: no login before the stop.
   */
  public Checkpoint(PgConnector connector, ProbeSessions sessions) {
    this.connector = connector;
    this.sessions = sessions;
  }

  /** CHECKPOINT on {@code primary}, waiting at most {@code wait} for it. */
  public Result beforeStop(MemberEndpoint primary, Duration wait) throws SQLException {
    return ProbeSessions.runOn(sessions, connector, primary, session -> {
      session.setNetworkTimeout(Runnable::run, (int) wait.plus(ANSWER_MARGIN).toMillis());
      try (Statement statement = session.createStatement()) {
        statement.execute("SET statement_timeout = " + wait.toMillis());
        Result result;
        try {
          statement.execute("CHECKPOINT");
          result = Result.DONE;
        } catch (SQLException e) {
          if (!QUERY_CANCELED.equals(e.getSQLState())) {
            throw e;
          }
          result = Result.NOT_FINISHED;
        }
        // Back to the session's own timeout: the kept session goes on serving the probe.
        statement.execute("RESET statement_timeout");
        return result;
      }
    });
  }
}
