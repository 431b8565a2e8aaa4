package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.validation.HostileSpecs;

/**
 * The hostile strings against PostgreSQL itself. Those the validator accepts as free text are
 * written by the operator into postgresql.conf and read back by PostgreSQL exactly; every one of
 * them, accepted or not, given to the SQL paths (role, slot, synchronous_standby_names, probe)
 * either names exactly that object or is refused, and changes nothing else.
 */
class HostileValuesIT {

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  /** Harmless when run, hostile when misquoted: a comment, quotes, a substitution, a backslash. */
  private static final String ARCHIVE_COMMAND = "true # '; DROP ROLE postgres; -- $(reboot) \"x\" \\";
  private static final Map<String, String> FREE_TEXT = HostileSpecs.acceptedAsFreeText();
  private static LocalPair pair;

  @BeforeAll
  static void startWithHostileSettings() throws Exception {
    pair = POSTGRES.newPair(spec -> {
      ObjectNode parameters = spec.with("postgres").with("parameters");
      List<String> values = new ArrayList<>(FREE_TEXT.values());
      for (int i = 0; i < values.size(); i++) {
        parameters.put(carrier(i), values.get(i));
      }
      spec.with("replication").put("archiveCommand", ARCHIVE_COMMAND);
    });
    pair.bootstrapPrimary();
  }

  private static String carrier(int index) {
    return "pks_hostile.v" + index;
  }

  @Test
  void postgresReadsEveryAcceptedValueAsWritten() throws SQLException {
    List<String> values = new ArrayList<>(FREE_TEXT.values());
    assertThat(values).hasSizeGreaterThan(10);
    for (int i = 0; i < values.size(); i++) {
      assertThat(pair.queryString(pair.siteA, "SHOW \"" + carrier(i) + "\"")).isEqualTo(values.get(i));
    }
    assertThat(pair.queryString(pair.siteA, "SHOW archive_command")).isEqualTo(ARCHIVE_COMMAND);
    assertThat(pair.queryString(pair.siteA, "SELECT count(*) FROM pg_file_settings WHERE error IS NOT NULL"))
        .isEqualTo("0");
  }

  @Test
  void aHostileRoleNameNamesOnlyThatRole() throws SQLException {
    ReplicationSetup setup = new ReplicationSetup(pair.connector);
    List<String> before = roles();
    List<String> created = new ArrayList<>();
    for (String name : HostileSpecs.STRINGS.values()) {
      try {
        setup.ensureRole(pair.siteA.endpoint(), new Credentials(name, "secret".toCharArray()), 3);
        created.add(identifier(name));
      } catch (SQLException refused) {
        assertThat(refused.getMessage()).doesNotContain("syntax error");
      }
    }
    List<String> after = roles();
    assertThat(after).containsAll(before).contains("postgres");
    assertThat(after.stream().filter(role -> !before.contains(role))).containsExactlyInAnyOrderElementsOf(created);
    assertThat(created).hasSizeGreaterThan(15);
    assertThat(pair.queryString(pair.siteA, "SELECT rolsuper::text FROM pg_roles WHERE rolname = 'postgres'"))
        .isEqualTo("true");
  }

  @Test
  void aHostileSlotNameNamesOnlyThatSlotOrIsRefused() throws SQLException {
    ReplicationSetup setup = new ReplicationSetup(pair.connector);
    List<String> created = new ArrayList<>();
    for (String name : HostileSpecs.STRINGS.values()) {
      try {
        setup.ensureSlot(pair.siteA.endpoint(), name);
        created.add(identifier(name));
      } catch (SQLException refused) {
        assertThat(refused.getMessage()).doesNotContain("syntax error");
      }
    }
    // Only letters, digits and '_' make a slot name: of the hostile strings, only the long word.
    assertThat(created).containsExactly(identifier(HostileSpecs.STRINGS.get("huge")));
    assertThat(pair.queryString(pair.siteA, "SELECT string_agg(slot_name, ',') FROM pg_replication_slots"))
        .isEqualTo(created.get(0));
  }

  /** PostgreSQL shortens a name to 63 bytes, as it says in a notice. */
  private static String identifier(String name) {
    return name.length() > 63 ? name.substring(0, 63) : name;
  }

  /**
   * Every hostile standby name is refused or accepted as exactly one name: PostgreSQL reads the
   * setting without error (checked while it is set), and a standby connecting under that name is
   * the synchronous one. The last value stays valid when misquoted (no doubled quote) but then
   * names a second standby, "decoy": a standby of that name must stay asynchronous.
   */
  @Test
  void aHostileStandbyNameIsQuotedInSynchronousStandbyNames() throws Exception {
    pair.setUpReplication();
    List<String> names = new ArrayList<>(HostileSpecs.STRINGS.values());
    names.add(SECOND_NAME);
    int accepted = 0;
    try (Connection connection = pair.connector.open(pair.siteA.endpoint())) {
      for (String name : names) {
        try {
          SynchronousReplication.set(connection, SynchronousReplication.standbyNames(name));
        } catch (SQLException refused) {
          assertThat(refused.getMessage()).doesNotContain("syntax error");
          continue;
        }
        accepted++;
        assertThat(pair.queryString(pair.siteA, "SELECT count(*) FROM pg_file_settings"
            + " WHERE name = 'synchronous_standby_names' AND error IS NOT NULL")).as(name).isEqualTo("0");
        if (usableAsApplicationName(name)) {
          try (Standby named = new Standby(name); Standby decoy = new Standby(DECOY)) {
            await(name + " synchronous").atMost(Duration.ofSeconds(30)).until(() -> named.syncPriority() == 1);
            // PostgreSQL reads "*" as every standby, quoted or not: a member name never is "*" (a DNS label).
            assertThat(decoy.syncPriority()).as("a standby the value does not name, with " + name)
                .isEqualTo(name.equals(EVERY_STANDBY) ? 1 : 0);
          }
        }
        SynchronousReplication.clear(connection);
      }
    }
    assertThat(accepted).isGreaterThan(15);
  }

  private static final String EVERY_STANDBY = "*";
  /** A misquoted {@code FIRST 1 ("site-b", "decoy")}: valid, and two names. */
  private static final String DECOY = "decoy";
  private static final String SECOND_NAME = "site-b\", \"" + DECOY;

  /** PostgreSQL keeps an application_name of printable ASCII whole, up to 63 bytes. */
  private static boolean usableAsApplicationName(String name) {
    return !name.isEmpty() && name.length() <= 63 && name.chars().allMatch(c -> c >= 32 && c < 127);
  }

  /** A physical replication connection to site-a under a name: what a standby is to its primary. */
  private static final class Standby implements AutoCloseable {
    private final String name;
    private final Connection connection;
    private final PGReplicationStream stream;

    Standby(String name) throws SQLException {
      this.name = name;
      Properties properties = new Properties();
      PGProperty.USER.set(properties, pair.replication.user());
      PGProperty.PASSWORD.set(properties, new String(pair.replication.password()));
      PGProperty.REPLICATION.set(properties, "true");
      PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "15");
      PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
      PGProperty.APPLICATION_NAME.set(properties, name);
      MemberEndpoint endpoint = pair.siteA.endpoint();
      connection = DriverManager.getConnection("jdbc:postgresql://" + endpoint.host() + ":" + endpoint.port()
          + "/postgres", properties);
      try {
        stream = startStream(connection);
      } catch (SQLException | RuntimeException notStarted) {
        connection.close();
        throw notStarted;
      }
    }

    /**
     * Streams from the primary's flush position: PostgreSQL refuses a start beyond it, and its
     * write position (pg_current_wal_lsn) can be a record ahead, not yet flushed.
     */
    private static PGReplicationStream startStream(Connection connection) throws SQLException {
      LogSequenceNumber flushed = LogSequenceNumber.valueOf(
          pair.queryString(pair.siteA, "SELECT pg_current_wal_flush_lsn()"));
      PGReplicationStream started = connection.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
          .physical().withStartPosition(flushed).start();
      // PostgreSQL counts a standby that never reported a flush position as asynchronous, whatever its name.
      started.setFlushedLSN(flushed);
      started.setAppliedLSN(flushed);
      started.forceUpdateStatus();
      return started;
    }

    /** Its sync_priority on the primary: 1 for the synchronous standby, 0 for an asynchronous one. */
    int syncPriority() throws SQLException {
      try (Connection primary = pair.connector.open(pair.siteA.endpoint());
          PreparedStatement statement = primary.prepareStatement(
              "SELECT sync_priority FROM pg_stat_replication WHERE application_name = ?")) {
        statement.setString(1, name);
        try (ResultSet row = statement.executeQuery()) {
          assertThat(row.next()).as("standby %s connected", name).isTrue();
          return row.getInt(1);
        }
      }
    }

    @Override
    public void close() throws SQLException {
      // A stream PostgreSQL ended with an error throws here; the connection (its walsender) must close all the same.
      try {
        stream.close();
      } finally {
        connection.close();
      }
    }
  }

  @Test
  void aHostilePeerNameIsOnlyABoundValueToTheProbe() {
    MemberProbe probe = new MemberProbe(pair.connector, Clock.systemUTC());
    for (String name : HostileSpecs.STRINGS.values()) {
      if (name.indexOf('\0') >= 0) {
        continue;
      }
      ProbeResult result = probe.probe(pair.siteA.endpoint(), new MemberProbe.Peer(name, name));
      assertThat(result.outcome()).as(name).isEqualTo(ProbeResult.Outcome.REACHABLE);
      assertThat(result.primary().standbyStream()).as(name).isNull();
    }
  }

  private static List<String> roles() throws SQLException {
    List<String> roles = new ArrayList<>();
    try (Connection connection = pair.connector.open(pair.siteA.endpoint());
        PreparedStatement statement = connection.prepareStatement("SELECT rolname FROM pg_roles");
        ResultSet rows = statement.executeQuery()) {
      while (rows.next()) {
        roles.add(rows.getString(1));
      }
    }
    return roles;
  }
}
