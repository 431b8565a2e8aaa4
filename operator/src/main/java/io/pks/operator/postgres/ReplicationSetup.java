package io.pks.operator.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The primary's side of replication: the replication role, the standby's physical slot and the
 * metrics sidecar's monitoring role. Every call is idempotent (create, or alter what differs) and
 * says whether it changed anything, so the operator can run them on every reconcile and after any
 * restart. The connector's user must be a superuser: the role check reads pg_authid.
 */
public final class ReplicationSetup {
  private static final Logger LOG = LoggerFactory.getLogger(ReplicationSetup.class);

  /** What an ensure call did. */
  public enum Change {
    CREATED, UPDATED, UNCHANGED,
    /** Nothing: the server cannot have it (an extension its installation does not carry). */
    UNAVAILABLE
  }

  /** The extension a switchover's target reads its WAL records with ({@link MemberProbe}). */
  static final String WAL_INSPECT = "pg_walinspect";

  private final PgConnector connector;
  /** The probe's kept sessions, or null: a session of its own for each call. */
  private final ProbeSessions sessions;

  /** Each call over a new session, closed after it. */
  public ReplicationSetup(PgConnector connector) {
    this(connector, null);
  }

  /**
   * Each call over the kept session {@code sessions} holds to the primary (opened with
   * {@code connector}, the probe's, when there is none): a bootstrap's three calls then log in no
   * more, where each took a SCRAM login of about 50 ms on a loaded machine (BENCHMARKS.md). Each
   * call's statements are short, within the kept session's wait.
   */
  public ReplicationSetup(PgConnector connector, ProbeSessions sessions) {
    this.connector = connector;
    this.sessions = sessions;
  }

  /**
   * Makes {@code role.user()} a {@code LOGIN REPLICATION CONNECTION LIMIT connectionLimit} role
   * with {@code role.password()}. The password is sent as a SCRAM verifier computed here
   * ({@link PGConnection#alterUserPassword}), so its plain text is never in SQL or a server log;
   * it is set only when the stored verifier does not match it. pgjdbc clears the password arrays
   * it is given, so each call gets its own copy.
   */
  public Change ensureRole(MemberEndpoint primary, Credentials role, int connectionLimit)
      throws SQLException {
    return ProbeSessions.runOn(sessions, connector, primary, connection -> {
      connection.setAutoCommit(false);
      Change change = ensureRole(connection, primary, role, connectionLimit);
      // Only once committed or rolled back: a failure leaves the session to be closed, which rolls back.
      connection.setAutoCommit(true);
      return change;
    });
  }

  /** ensureRole in the session's transaction, which it commits or rolls back. */
  private static Change ensureRole(Connection connection, MemberEndpoint primary, Credentials role,
      int connectionLimit) throws SQLException {
    PGConnection pg = connection.unwrap(PGConnection.class);
    String attributes = "LOGIN REPLICATION CONNECTION LIMIT " + connectionLimit;
    String identifier = pg.escapeIdentifier(role.user());
    try (PreparedStatement select = connection.prepareStatement(
        "SELECT rolcanlogin, rolreplication, rolconnlimit, rolpassword FROM pg_authid WHERE rolname = ?");
        Statement statement = connection.createStatement()) {
      select.setString(1, role.user());
      try (ResultSet row = select.executeQuery()) {
        if (!row.next()) {
          statement.execute("CREATE ROLE " + identifier + " " + attributes);
          pg.alterUserPassword(role.user(), role.password(), ScramVerifier.ENCRYPTION);
          connection.commit();
          LOG.info("{}: created replication role {} ({})", primary, role.user(), attributes);
          return Change.CREATED;
        }
        boolean attributesDiffer = !row.getBoolean(1) || !row.getBoolean(2) || row.getInt(3) != connectionLimit;
        boolean passwordDiffers = !ScramVerifier.matches(row.getString(4), role.password());
        if (!attributesDiffer && !passwordDiffers) {
          connection.rollback();
          return Change.UNCHANGED;
        }
        if (attributesDiffer) {
          statement.execute("ALTER ROLE " + identifier + " " + attributes);
        }
        if (passwordDiffers) {
          pg.alterUserPassword(role.user(), role.password(), ScramVerifier.ENCRYPTION);
        }
        connection.commit();
        LOG.info("{}: updated replication role {} ({}{})", primary, role.user(),
            attributesDiffer ? attributes : "attributes unchanged",
            passwordDiffers ? ", new password" : "");
        return Change.UPDATED;
      }
    }
  }

  /**
   * Creates {@code role} as a {@code LOGIN} member of pg_monitor (statistics only) if the primary
   * has no role of that name; the standby gets it by replication. It has no password: it logs in
   * only by peer authentication on the pod's socket (pg_hba.conf).
   */
  public Change ensureMonitoringRole(MemberEndpoint primary, String role) throws SQLException {
    return ProbeSessions.runOn(sessions, connector, primary,
        connection -> ensureMonitoringRole(connection, primary, role));
  }

  private static Change ensureMonitoringRole(Connection connection, MemberEndpoint primary, String role)
      throws SQLException {
    try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
      exists.setString(1, role);
      try (ResultSet row = exists.executeQuery()) {
        if (row.next()) {
          return Change.UNCHANGED;
        }
      }
      try (Statement create = connection.createStatement()) {
        create.execute("CREATE ROLE " + connection.unwrap(PGConnection.class).escapeIdentifier(role)
            + " LOGIN IN ROLE pg_monitor");
      }
      LOG.info("{}: created monitoring role {}", primary, role);
      return Change.CREATED;
    }
  }

  /**
   * Creates the extension pg_walinspect (PostgreSQL 15 on, among its contrib modules) in the
   * primary's maintenance database if it is not there; the standby gets it by replication. Its
   * functions are for superusers only. With it a switchover's target shows that the old primary
   * stopped cleanly (its shutdown checkpoint replayed), and the promotion need not wait for that
   * primary's postmaster to exit (docs/safety.md, "Switchover"). A server that does not carry it is
   * no failure: switchovers then wait for the exit, as without it.
   */
  public Change ensureWalInspect(MemberEndpoint primary) throws SQLException {
    return ProbeSessions.runOn(sessions, connector, primary, connection -> ensureWalInspect(connection, primary));
  }

  private static Change ensureWalInspect(Connection connection, MemberEndpoint primary) throws SQLException {
    try (PreparedStatement state = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_extension"
        + " WHERE extname = ?), EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = ?)")) {
      state.setString(1, WAL_INSPECT);
      state.setString(2, WAL_INSPECT);
      try (ResultSet row = state.executeQuery()) {
        row.next();
        if (row.getBoolean(1)) {
          return Change.UNCHANGED;
        }
        if (!row.getBoolean(2)) {
          return Change.UNAVAILABLE;
        }
      }
    }
    // Its commit waits for no standby: a primary held in sync with a standby being re-seeded
    // (Required) would otherwise wait for that re-seed, which waits for this. As in ensureRole, a
    // failure leaves the session to be closed, which rolls the transaction back.
    connection.setAutoCommit(false);
    try (Statement create = connection.createStatement()) {
      create.execute("SET LOCAL synchronous_commit = local");
      create.execute("CREATE EXTENSION IF NOT EXISTS " + WAL_INSPECT);
    }
    connection.commit();
    connection.setAutoCommit(true);
    LOG.info("{}: created extension {}", primary, WAL_INSPECT);
    return Change.CREATED;
  }

  /**
   * Creates the physical slot {@code slot} if the primary has none of that name. It reserves WAL
   * at once, so nothing the standby will need is recycled between now and its first connection.
   */
  public Change ensureSlot(MemberEndpoint primary, String slot) throws SQLException {
    return ProbeSessions.runOn(sessions, connector, primary, connection -> ensureSlot(connection, primary, slot));
  }

  private static Change ensureSlot(Connection connection, MemberEndpoint primary, String slot) throws SQLException {
    try (PreparedStatement exists = connection.prepareStatement(
        "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
      exists.setString(1, slot);
      try (ResultSet row = exists.executeQuery()) {
        if (row.next()) {
          return Change.UNCHANGED;
        }
      }
      try (PreparedStatement create = connection.prepareStatement(
          "SELECT pg_create_physical_replication_slot(?, true)")) {
        create.setString(1, slot);
        create.execute();
      }
      LOG.info("{}: created physical replication slot {}", primary, slot);
      return Change.CREATED;
    }
  }
}
