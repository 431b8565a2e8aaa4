package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.postgresql.PGProperty;

import io.pks.operator.model.Names;
import io.pks.operator.sandbox.PostgresBinaries;
import io.pks.operator.model.PodLayout;

/**
 * The bootstrap of a pair's primary with the operator's own scripts and rendered configuration:
 * initdb only when allowed, then the replication role and slot, pg_hba.conf's rules, and what a
 * primary without a standby looks like to the probe. Ordered: it tells the bootstrap's story.
 * The pair's members connect from 127.0.0.1; 127.0.0.3 is an allowed network; 127.0.0.2 is
 * any other address.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BootstrapIT {

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  private static final String MEMBERS = "127.0.0.1";
  private static final String ALLOWED_NETWORK = "127.0.0.3";
  private static final String ELSEWHERE = "127.0.0.2";

  private static LocalPair pair;

  @BeforeAll
  static void bootstrap() throws Exception {
    pair = POSTGRES.newPair(spec -> spec.with("replication").putArray("allowedCidrs")
        .add(ALLOWED_NETWORK + "/32"));
    LocalMember.JobRun initdb = pair.bootstrapPrimary();
    System.out.println("TIMING initdb (initdb.sh run): " + initdb.took().toMillis() + " ms");
  }

  @Test
  @Order(1)
  void primaryRunsTheRenderedConfiguration() throws SQLException {
    LocalMember primary = pair.siteA;
    Path config = Path.of(pair.siteA.environment(PodLayout.ENV_CONFIG_DIR));
    assertThat(pair.queryString(primary, "SHOW config_file"))
        .isEqualTo(config.resolve(PodLayout.POSTGRESQL_CONF).toString());
    assertThat(pair.queryString(primary, "SHOW hba_file"))
        .isEqualTo(config.resolve(PodLayout.PG_HBA_CONF).toString());
    assertThat(pair.queryString(primary, "SHOW cluster_name")).isEqualTo(LocalPair.SITE_A);
    assertThat(pair.queryString(primary, "SHOW data_checksums")).isEqualTo("on");
    assertThat(pair.queryString(primary, "SHOW wal_level")).isEqualTo("replica");
    assertThat(pair.queryString(primary, "SELECT pg_is_in_recovery()::text")).isEqualTo("false");
    assertThat(pair.queryString(primary, "SELECT rolpassword FROM pg_authid WHERE rolname = current_user"))
        .startsWith("SCRAM-SHA-256$");
  }

  @Test
  @Order(2)
  void replicationSetupCreatesRoleAndSlotOnceThenChangesNothing() throws SQLException {
    ReplicationSetup setup = new ReplicationSetup(pair.connector);
    MemberEndpoint primary = pair.siteA.endpoint();
    int limit = pair.resource.getSpec().replication().connectionLimit();
    String slot = Names.replicationSlot(LocalPair.SITE_B);

    assertThat(setup.ensureRole(primary, pair.replication, limit)).isEqualTo(ReplicationSetup.Change.CREATED);
    assertThat(setup.ensureSlot(primary, slot)).isEqualTo(ReplicationSetup.Change.CREATED);
    assertThat(setup.ensureRole(primary, pair.replication, limit)).isEqualTo(ReplicationSetup.Change.UNCHANGED);
    assertThat(setup.ensureSlot(primary, slot)).isEqualTo(ReplicationSetup.Change.UNCHANGED);

    assertThat(pair.queryString(pair.siteA, "SELECT concat_ws(',', rolcanlogin, rolreplication,"
        + " rolconnlimit, rolsuper) FROM pg_roles WHERE rolname = 'repuser'")).isEqualTo("t,t,5,f");
    assertThat(pair.queryString(pair.siteA, "SELECT concat_ws(',', slot_type, restart_lsn IS NOT NULL)"
        + " FROM pg_replication_slots WHERE slot_name = '" + slot + "'")).isEqualTo("physical,t");

    // A changed password or limit is put right, once.
    Credentials other = new Credentials(pair.replication.user(), "another:password".toCharArray());
    assertThat(setup.ensureRole(primary, other, limit + 1)).isEqualTo(ReplicationSetup.Change.UPDATED);
    assertThat(setup.ensureRole(primary, other, limit + 1)).isEqualTo(ReplicationSetup.Change.UNCHANGED);
    assertThat(setup.ensureRole(primary, pair.replication, limit)).isEqualTo(ReplicationSetup.Change.UPDATED);
    assertThat(setup.ensureRole(primary, pair.replication, limit)).isEqualTo(ReplicationSetup.Change.UNCHANGED);
  }

  @Test
  @Order(3)
  void pgHbaLetsOnlyTheReplicationRoleReplicateAndOnlyReplicate() throws SQLException {
    MemberEndpoint primary = pair.siteA.endpoint();
    for (String from : List.of(MEMBERS, ALLOWED_NETWORK)) {
      try (Connection replication = connect(primary, pair.replication, true, from);
          Statement statement = replication.createStatement();
          ResultSet row = statement.executeQuery("IDENTIFY_SYSTEM")) {
        assertThat(row.next()).isTrue();
      }
    }
    assertThatThrownBy(() -> connect(primary, pair.replication, true, ELSEWHERE).close())
        .hasMessageContaining("pg_hba.conf rejects replication connection for host \"" + ELSEWHERE + "\"");
    for (String from : List.of(MEMBERS, ALLOWED_NETWORK)) {
      assertThatThrownBy(() -> connect(primary, pair.superuser, true, from).close())
          .hasMessageContaining("pg_hba.conf rejects replication connection")
          .hasMessageContaining("\"postgres\"");
      assertThatThrownBy(() -> connect(primary, pair.replication, false, from).close())
          .hasMessageContaining("pg_hba.conf rejects connection")
          .hasMessageContaining("\"repuser\"");
    }
    Credentials wrong = new Credentials(pair.replication.user(), "not-the-password".toCharArray());
    assertThatThrownBy(() -> connect(primary, wrong, true, MEMBERS).close())
        .hasMessageContaining("password authentication failed");
  }

  /**
   * Whoever connects, from wherever, for whatever: the server asks for SCRAM-SHA-256 or refuses,
   * before any password is sent. It never offers md5, a clear-text password, or trust.
   */
  @Test
  @Order(3)
  void theServerOffersScramOrRefusesNeverMd5OrTrust() throws Exception {
    int asked = 0;
    for (String user : List.of("postgres", pair.replication.user(), "nobody")) {
      for (String from : List.of(MEMBERS, ALLOWED_NETWORK, ELSEWHERE)) {
        for (boolean replication : List.of(true, false)) {
          AuthenticationRequest request = AuthenticationRequest.of(pair.siteA.endpoint(), from, user, replication);
          boolean replicationRole = user.equals(pair.replication.user());
          boolean allowed = replication ? replicationRole && !from.equals(ELSEWHERE) : !replicationRole;
          assertThat(request.method()).as("%s from %s, replication %s: %s", user, from, replication,
              request.refusal()).isEqualTo(allowed ? AuthenticationRequest.Method.SASL
                  : AuthenticationRequest.Method.REFUSED);
          asked++;
        }
      }
    }
    assertThat(asked).isEqualTo(18);
    assertThat(pair.queryString(pair.siteA, "SELECT string_agg(DISTINCT auth_method, ',' ORDER BY auth_method)"
        + " FROM pg_hba_file_rules")).isEqualTo("peer,reject,scram-sha-256");
    // The one password-less rule: the metrics exporter's role, on the pod's own socket, mapped by pg_ident.conf.
    assertThat(pair.queryString(pair.siteA, "SELECT string_agg(type || ' ' || array_to_string(database, ',') || ' '"
        + " || array_to_string(user_name, ',') || ' ' || array_to_string(options, ','), ';')"
        + " FROM pg_hba_file_rules WHERE auth_method = 'peer'")).isEqualTo("local postgres pks_monitor map=pks-monitor");
  }

  /** A password stored as an md5 hash (the runbook's) cannot log in: only SCRAM is accepted. */
  @Test
  @Order(3)
  void aPasswordStoredAsMd5CannotLogIn() throws SQLException {
    pair.execute(pair.siteA, "SET password_encryption = 'md5'",
        "CREATE ROLE runbook_user LOGIN PASSWORD 'runbook-password'");
    assertThat(pair.queryString(pair.siteA, "SELECT rolpassword FROM pg_authid WHERE rolname = 'runbook_user'"))
        .startsWith("md5");
    Credentials runbook = new Credentials("runbook_user", "runbook-password".toCharArray());
    assertThatThrownBy(() -> connect(pair.siteA.endpoint(), runbook, false, MEMBERS).close())
        .hasMessageContaining("password authentication failed for user \"runbook_user\"");
    pair.execute(pair.siteA, "DROP ROLE runbook_user");
  }

  /** Even on the member's own socket a session needs the password: no peer, no trust. */
  @Test
  @Order(3)
  void theLocalSocketAsksForThePasswordToo() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(PostgresBinaries.tool("psql").toString(), "-w", "-h",
        pair.siteA.runDir.toString(), "-p", Integer.toString(pair.siteA.port), "-U", "postgres", "-d", "postgres",
        "-c", "SELECT 1").redirectErrorStream(true);
    // No password from anywhere: not the environment, not a password file.
    builder.environment().clear();
    builder.environment().put("PGPASSFILE", "/dev/null");
    Process psql = builder.start();
    psql.getOutputStream().close();
    String output = new String(psql.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(psql.waitFor()).isNotZero();
    assertThat(output).contains("no password supplied");
  }

  @Test
  @Order(4)
  void synchronousModeIsRefusedWhileNoStandbyStreams() throws SQLException {
    SynchronousReplication sync = new SynchronousReplication(pair.connector);
    assertThat(sync.enable(pair.siteA.endpoint(), LocalPair.SITE_B))
        .isEqualTo(SynchronousReplication.Enabling.REFUSED_STANDBY_NOT_STREAMING);
    assertThat(pair.queryString(pair.siteA, "SHOW synchronous_standby_names")).isEmpty();
    // With a synchronous standby that is not there, these would wait forever (docs/safety.md, "Synchronous replication").
    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> pair.execute(pair.siteA,
        "CREATE TABLE bootstrap_check (id int)", "INSERT INTO bootstrap_check VALUES (1)"));
  }

  @Test
  @Order(5)
  void probeSeesALonePrimaryAndAnUnreachableOrRefusingMember() {
    MemberProbe probe = new MemberProbe(pair.connector, Clock.systemUTC());
    Instant before = Instant.now();
    ProbeResult primary = probe.probe(pair.siteA.endpoint(), pair.siteBAsPeer());
    assertThat(primary.outcome()).isEqualTo(ProbeResult.Outcome.REACHABLE);
    assertThat(primary.observedAt()).isAfterOrEqualTo(before);
    assertThat(primary.role()).isEqualTo(ProbeResult.Role.PRIMARY);
    assertThat(primary.timeline()).isEqualTo(1L);
    assertThat(primary.primary().currentWalLsn()).matches("[0-9A-F]+/[0-9A-F]+");
    assertThat(primary.primary().standbyStream()).isNull();
    assertThat(primary.primary().standbySlot().active()).isFalse();
    assertThat(primary.primary().standbySlot().restartLsn()).matches("[0-9A-F]+/[0-9A-F]+");

    ProbeResult absent = probe.probe(pair.siteB.endpoint(), pair.siteAAsPeer());
    assertThat(absent.outcome()).isEqualTo(ProbeResult.Outcome.UNREACHABLE);
    assertThat(absent.role()).isNull();
    assertThat(absent.detail()).isNotBlank();

    Credentials wrong = new Credentials(pair.superuser.user(), "wrong".toCharArray());
    ProbeResult refused = new MemberProbe(new PgConnector(wrong, PgConnector.Timeouts.DEFAULT), Clock.systemUTC())
        .probe(pair.siteA.endpoint(), pair.siteBAsPeer());
    assertThat(refused.outcome()).isEqualTo(ProbeResult.Outcome.REJECTED);
    assertThat(refused.detail()).contains("password authentication failed");
  }

  @Test
  @Order(6)
  void emptyMemberWaitsForItsJobAndNeverInitialisesItself() throws Exception {
    LocalMember member = pair.siteB;
    member.start();
    member.awaitLogLine("no data: waiting for the initdb or seed Job", System.nanoTime());
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(15))
        .until(() -> member.running() && !Files.exists(member.pgdata) && !member.ready());
    member.stop();
    // Exit status 0: the script handled the TERM signal itself and was not killed after the grace period.
    assertThat(member.exitValue()).isZero();
    assertThat(Files.readString(member.log())).containsOnlyOnce("no data: waiting for the initdb or seed Job");
  }

  @Test
  @Order(7)
  void reseedMarkerKeepsAMemberWaiting() throws Exception {
    LocalMember member = pair.siteB;
    pair.writeFile(member.reseedMarker(), "");
    member.start();
    member.awaitLogLine("re-seed requested", System.nanoTime());
    await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(15))
        .until(() -> member.running() && !Files.exists(member.pgdata));
    member.stop();
    assertThat(member.exitValue()).isZero();
    Files.delete(member.reseedMarker());
  }

  @Test
  @Order(8)
  void initdbKeepsExistingDataAndRefusesAStandbyCopy() throws Exception {
    String versionBefore = Files.readString(pair.siteA.pgdata.resolve("PG_VERSION"));
    LocalMember.JobRun again = pair.siteA.initdb();
    assertThat(again.exitCode()).isZero();
    assertThat(again.stdout()).contains("already holds a database: kept as it is");
    assertThat(Files.readString(pair.siteA.pgdata.resolve("PG_VERSION"))).isEqualTo(versionBefore);
    assertThat(pair.queryString(pair.siteA, "SELECT 1")).isEqualTo("1");

    LocalMember standby = pair.siteB;
    pair.writeFile(standby.pgdata.resolve("PG_VERSION"), "15\n");
    pair.writeFile(standby.pgdata.resolve("standby.signal"), "");
    LocalMember.JobRun refused = standby.initdb();
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr().strip()).startsWith("initdb: ").contains("holds a standby's copy (standby.signal)")
        .contains("set spec.primary to the member that was primary");
    assertThat(standby.pgdata.resolve("standby.signal")).exists();
    assertThat(standby.pgdata.resolve("postgresql.conf")).doesNotExist();
    LocalPair.deleteRecursively(standby.pgdata);
  }

  /** A session straight from the driver: the rules under test are pg_hba.conf's, not the connector's. */
  private static Connection connect(MemberEndpoint member, Credentials credentials, boolean replication,
      String from) throws SQLException {
    Properties properties = new Properties();
    PGProperty.LOCAL_SOCKET_ADDRESS.set(properties, from);
    PGProperty.USER.set(properties, credentials.user());
    PGProperty.PASSWORD.set(properties, new String(credentials.password()));
    PGProperty.CONNECT_TIMEOUT.set(properties, 5);
    if (replication) {
      PGProperty.REPLICATION.set(properties, "true");
      PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "9.4");
      PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
    }
    return DriverManager.getConnection(member.jdbcUrl(), properties);
  }
}
