package io.pks.operator.postgres;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import org.postgresql.PGProperty;

/**
 * Opens JDBC sessions to members as the operator's user, with short timeouts everywhere: a member
 * that does not answer must make a probe fail within seconds, never hang a thread, because the
 * failover clock is driven by these probes.
 */
public final class PgConnector {

  /** application_name of the operator's sessions, as seen in pg_stat_activity. */
  public static final String APPLICATION_NAME = "pks-operator";

  /**
   * @param connect TCP connect and login
   * @param socket longest wait for any answer from the server
   * @param statement server-side statement_timeout
   */
  public record Timeouts(Duration connect, Duration socket, Duration statement) {
    public static final Timeouts DEFAULT =
        new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(3));

    /** These timeouts with room for one statement that is expected to take up to {@code wait}. */
    public Timeouts allowing(Duration wait) {
      return new Timeouts(connect, socket.plus(wait), statement.plus(wait));
    }
  }

  private final Credentials credentials;
  private final Timeouts timeouts;

  public PgConnector(Credentials credentials, Timeouts timeouts) {
    this.credentials = credentials;
    this.timeouts = timeouts;
  }

  /** The same user, with room for one statement that may take up to {@code wait}. */
  public PgConnector allowing(Duration wait) {
    return new PgConnector(credentials, timeouts.allowing(wait));
  }

  /** A new session in autocommit mode; the caller closes it. */
  public Connection open(MemberEndpoint member) throws SQLException {
    Properties properties = new Properties();
    PGProperty.USER.set(properties, credentials.user());
    PGProperty.PASSWORD.set(properties, new String(credentials.password()));
    PGProperty.APPLICATION_NAME.set(properties, APPLICATION_NAME);
    PGProperty.CONNECT_TIMEOUT.set(properties, seconds(timeouts.connect()));
    PGProperty.LOGIN_TIMEOUT.set(properties, seconds(timeouts.connect()));
    PGProperty.SOCKET_TIMEOUT.set(properties, seconds(timeouts.socket()));
    PGProperty.OPTIONS.set(properties, "-c statement_timeout=" + timeouts.statement().toMillis());
    PGProperty.TCP_KEEP_ALIVE.set(properties, true);
    return DriverManager.getConnection(member.jdbcUrl(), properties);
  }

  /** pgjdbc counts these timeouts in whole seconds; never 0, which means no timeout. */
  private static int seconds(Duration duration) {
    return (int) Math.max(1, (duration.toMillis() + 999) / 1000);
  }
}
