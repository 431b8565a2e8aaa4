package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

  @Test
  void aHostileStandbyNameIsQuotedInSynchronousStandbyNames() throws SQLException {
    int accepted = 0;
    try (Connection connection = pair.connector.open(pair.siteA.endpoint())) {
      for (String name : HostileSpecs.STRINGS.values()) {
        try {
          SynchronousReplication.set(connection, SynchronousReplication.standbyNames(name));
          accepted++;
        } catch (SQLException refused) {
          assertThat(refused.getMessage()).doesNotContain("syntax error");
        }
        SynchronousReplication.clear(connection);
      }
    }
    assertThat(accepted).isGreaterThan(15);
    assertThat(pair.queryString(pair.siteA, "SELECT count(*) FROM pg_file_settings"
        + " WHERE name = 'synchronous_standby_names' AND error IS NOT NULL")).isEqualTo("0");
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
      assertThat(result.primary().standbyStream()).isNull();
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
