package io.pks.operator.postgres;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

/**
 * Opens JDBC sessions to members as the operator's user, with short timeouts everywhere: a member
 * that does not answer must make a probe fail within seconds, never hang a thread, because the
 * failover clock is driven by these probes.
 */
public final class PgConnector {

  /** application_name of the operator's sessions, as seen in pg_stat_activity. */
  public static final String APPLICATION_NAME = "pks-operator";

  /**
   * application_name of the probe's kept sessions ({@link ProbeSessions}): told apart from the
   * operator's other sessions in pg_stat_activity, where a test sees each probe's query start.
   */
  public static final String PROBE_APPLICATION_NAME = "pks-operator-probe";

  /**
   * application_name of the backup monitor's kept session to each primary (pg_stat_archiver): apart
   * from the probe's, whose queries tests count.
   */
  public static final String ARCHIVER_APPLICATION_NAME = "pks-operator-archiver";

  /**
   * @param connect TCP connect and login
   * @param socket longest wait for any answer from the server
   * @param statement server-side statement_timeout
   */
  public record Timeouts(Duration connect, Duration socket, Duration statement) {
    public static final Timeouts DEFAULT =
        new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(3));

    /**
     * The probe's: its one query takes milliseconds, and a kept session to a member that was
     * paused or cut off only fails when the socket's wait runs out, so that wait is short too.
     */
    public static final Timeouts PROBE =
        new Timeouts(Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(2));

    /** These timeouts with room for one statement that is expected to take up to {@code wait}. */
    public Timeouts allowing(Duration wait) {
      return new Timeouts(connect, socket.plus(wait), statement.plus(wait));
    }
  }

  /**
   * pgjdbc's driver, called directly: DriverManager looks every registered driver's class up by name
   * again at each connection, to check that its caller may use it. A probe of a member that refuses
   * is little more than a connection attempt, made each second per member.
   */
  private static final Driver DRIVER = new Driver();

  private final Credentials credentials;
  private final Timeouts timeouts;
  private final String applicationName;

  public PgConnector(Credentials credentials, Timeouts timeouts) {
    this(credentials, timeouts, APPLICATION_NAME);
  }

  private PgConnector(Credentials credentials, Timeouts timeouts, String applicationName) {
    this.credentials = credentials;
    this.timeouts = timeouts;
    this.applicationName = applicationName;
  }

  /** The probe's sessions as {@code credentials}' user: {@link Timeouts#PROBE}, {@link #PROBE_APPLICATION_NAME}. */
  public static PgConnector forProbes(Credentials credentials) {
    return new PgConnector(credentials, Timeouts.PROBE, PROBE_APPLICATION_NAME);
  }

  /** The backup monitor's kept sessions as {@code credentials}' user: {@link Timeouts#PROBE}, {@link #ARCHIVER_APPLICATION_NAME}. */
  public static PgConnector forArchiver(Credentials credentials) {
    return new PgConnector(credentials, Timeouts.PROBE, ARCHIVER_APPLICATION_NAME);
  }

  /** The same user, with room for one statement that may take up to {@code wait}. */
  public PgConnector allowing(Duration wait) {
    return new PgConnector(credentials, timeouts.allowing(wait), applicationName);
  }

  String user() {
    return credentials.user();
  }

  /**
   * A new session in autocommit mode; the caller closes it. The login is bounded by the connect
   * timeout without pgjdbc's loginTimeout, which runs every connection attempt in a new thread (at
   * a probe a second per member, a pair whose members are down would cost two threads a second):
   * each wait of the login (the TCP connect, then each answer of its exchange) is given half the
   * connect timeout, since with its default sslmode (prefer) pgjdbc tries again without TLS after
   * a first attempt that fails, and the two attempts then fit in it. Once logged in, the socket
   * waits up to the socket timeout.
   */
  public Connection open(MemberEndpoint member) throws SQLException {
    int loginWait = seconds(loginWait());
    Properties properties = new Properties();
    PGProperty.USER.set(properties, credentials.user());
    PGProperty.PASSWORD.set(properties, new String(credentials.password()));
    PGProperty.APPLICATION_NAME.set(properties, applicationName);
    PGProperty.CONNECT_TIMEOUT.set(properties, loginWait);
    PGProperty.SOCKET_TIMEOUT.set(properties, loginWait);
    PGProperty.OPTIONS.set(properties, "-c statement_timeout=" + timeouts.statement().toMillis());
    PGProperty.TCP_KEEP_ALIVE.set(properties, true);
    Connection session = DRIVER.connect(member.jdbcUrl(), properties);
    try {
      session.setNetworkTimeout(Runnable::run, (int) timeouts.socket().toMillis());
    } catch (SQLException | RuntimeException failure) {
      session.close();
      throw failure;
    }
    return session;
  }

  /**
   * Connects to the member's port without logging in, and closes at once: whether anything listens
   * there, with fewer system calls than pgjdbc's attempt and none of its parsing. Waits as long as
   * a login's connect. A refusal is reported as pgjdbc reports one (SQLSTATE 08001, caused by a
   * {@link ConnectException}), so that {@link #refused} and the probe's outcome read it alike.
   */
  void connectOnly(MemberEndpoint member) throws SQLException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(member.host(), member.port()), (int) loginWait().toMillis());
    } catch (IOException failure) {
      throw new PSQLException("Nothing answered a connection to " + member + " (checked before a login): "
          + failure.getMessage(), PSQLState.CONNECTION_UNABLE_TO_CONNECT, failure);
    }
  }

  /** Whether a login failed because nothing listened at the member's port (its connection refused). */
  static boolean refused(SQLException failure) {
    return failure.getCause() instanceof ConnectException;
  }

  /** Each wait of a login: half the connect timeout (see {@link #open}). */
  private Duration loginWait() {
    return timeouts.connect().dividedBy(2);
  }

  /** pgjdbc counts these timeouts in whole seconds; never 0, which means no timeout. */
  private static int seconds(Duration duration) {
    return (int) Math.max(1, (duration.toMillis() + 999) / 1000);
  }
}
