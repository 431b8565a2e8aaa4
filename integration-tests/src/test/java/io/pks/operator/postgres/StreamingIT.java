package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A standby seeded by the operator's seed script and started by its entrypoint: it streams under
 * its member name, holds the primary's rows, refuses writes, keeps no password anywhere, and the
 * probe and the synchronous mode see it as PostgreSQL does.
 */
class StreamingIT {

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  private static LocalPair pair;
  private static MemberProbe probe;

  @BeforeAll
  static void streamingPair() throws Exception {
    pair = POSTGRES.newPair();
    pair.bootstrapPrimary();
    pair.setUpReplication();
    LocalMember.JobRun seed = pair.seedAndStartStandby();
    System.out.println("TIMING seed (seed.sh: pg_basebackup -Xs -c fast, verify, swap): "
        + seed.took().toMillis() + " ms");
    probe = new MemberProbe(pair.connector, Clock.systemUTC());
  }

  @Test
  void standbyStreamsUnderItsMemberNameThroughItsSlot() throws SQLException {
    assertThat(pair.queryString(pair.siteA, "SELECT string_agg(application_name || ':' || state, ',')"
        + " FROM pg_stat_replication")).isEqualTo("site-b:streaming");
    assertThat(pair.queryString(pair.siteA, "SELECT active::text FROM pg_replication_slots"
        + " WHERE slot_name = 'pks_site_b'")).isEqualTo("true");
    assertThat(pair.queryString(pair.siteB, "SELECT pg_is_in_recovery()::text")).isEqualTo("true");
    assertThat(pair.queryString(pair.siteB, "SHOW cluster_name")).isEqualTo(LocalPair.SITE_B);
  }

  @Test
  void primaryRowsAppearOnTheStandbyWhichRefusesWrites() throws SQLException {
    pair.execute(pair.siteA, "CREATE TABLE calls (id int PRIMARY KEY)",
        "INSERT INTO calls SELECT generate_series(1, 100)");
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
        .ignoreExceptionsMatching(e -> e.getMessage().contains("\"calls\" does not exist"))
        .until(() -> "100".equals(pair.queryString(pair.siteB, "SELECT count(*) FROM calls")));
    assertThatThrownBy(() -> pair.execute(pair.siteB, "INSERT INTO calls VALUES (101)"))
        .isInstanceOf(SQLException.class)
        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
  }

  @Test
  void noPasswordInTheStandbysConfigurationOrAnyLog() throws Exception {
    Path pgdata = pair.siteB.pgdata;
    String autoConf = Files.readString(pgdata.resolve("postgresql.auto.conf"));
    assertThat(autoConf).doesNotContainIgnoringCase("password").doesNotContain("primary_conninfo");
    assertThat(pair.queryString(pair.siteB, "SHOW primary_conninfo"))
        .contains("passfile=", "application_name='site-b'").doesNotContainIgnoringCase("password=");
    List<Path> inspected = new ArrayList<>(List.of(pgdata.resolve("postgresql.auto.conf"),
        pgdata.resolve("postmaster.opts")));
    try (Stream<Path> logs = Files.walk(pair.root)) {
      logs.filter(file -> file.toString().endsWith(".log")).forEach(inspected::add);
    }
    for (Path file : inspected) {
      String text = Files.readString(file);
      for (Credentials credentials : List.of(pair.replication, pair.superuser)) {
        assertThat(text).as(file.toString()).doesNotContain(new String(credentials.password()));
      }
    }
  }

  @Test
  void probeReportsLagWhileReplayIsPausedAndNoneOnceItResumes() throws SQLException {
    awaitPrimaryProbe("caught up", stream -> Long.valueOf(0).equals(stream.lagBytes()));
    ProbeResult primary = probe.probe(pair.siteA.endpoint(), pair.siteBAsPeer());
    assertThat(primary.role()).isEqualTo(ProbeResult.Role.PRIMARY);
    assertThat(primary.timeline()).isEqualTo(1L);
    ProbeResult.StandbyStream stream = primary.primary().standbyStream();
    assertThat(stream.state()).isEqualTo("streaming");
    assertThat(stream.syncState()).isEqualTo("async");
    assertThat(stream.sentLsn()).matches("[0-9A-F]+/[0-9A-F]+");
    assertThat(primary.primary().standbySlot())
        .isEqualTo(new ProbeResult.Slot("pks_site_b", true, primary.primary().standbySlot().restartLsn()));
    ProbeResult standby = probe.probe(pair.siteB.endpoint(), pair.siteAAsPeer());
    assertThat(standby.role()).isEqualTo(ProbeResult.Role.STANDBY);
    assertThat(standby.standby().walReceiverStatus()).isEqualTo("streaming");
    assertThat(standby.standby().secondsSinceReceipt()).as("since the standby last heard from its primary")
        .isNotNull().isGreaterThanOrEqualTo(0.0);
    assertThat(standby.standby().replayLsn()).matches("[0-9A-F]+/[0-9A-F]+");

    pair.execute(pair.siteB, "SELECT pg_wal_replay_pause()");
    try {
      pair.execute(pair.siteA, "CREATE TABLE lag_check AS SELECT generate_series(1, 10000) AS id");
      ProbeResult lagging = awaitPrimaryProbe("lagging", s -> s.lagBytes() != null && s.lagBytes() > 0
          && s.replayLagSeconds() > 0);
      System.out.println("probe while replay is paused: " + lagging.primary().standbyStream());
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
        ProbeResult.StandbyView view = probe.probe(pair.siteB.endpoint(), pair.siteAAsPeer()).standby();
        return !view.receiveLsn().equals(view.replayLsn());
      });
    } finally {
      pair.execute(pair.siteB, "SELECT pg_wal_replay_resume()");
    }
    awaitPrimaryProbe("caught up again", s -> Long.valueOf(0).equals(s.lagBytes()));
  }

  @Test
  void synchronousModeIsEnabledOnceTheStandbyStreams() throws SQLException {
    SynchronousReplication sync = new SynchronousReplication(pair.connector);
    try {
      assertThat(sync.enable(pair.siteA.endpoint(), LocalPair.SITE_B))
          .isEqualTo(SynchronousReplication.Enabling.ENABLED);
      assertThat(pair.queryString(pair.siteA, "SELECT setting FROM pg_file_settings"
          + " WHERE name = 'synchronous_standby_names'")).isEqualTo("FIRST 1 (\"site-b\")");
      assertThat(probe.probe(pair.siteA.endpoint(), pair.siteBAsPeer()).primary().standbyStream().syncState())
          .as("shown as sync once enabling returns: the probe after the step sees it").isEqualTo("sync");
      assertThat(sync.enable(pair.siteA.endpoint(), LocalPair.SITE_B))
          .isEqualTo(SynchronousReplication.Enabling.ALREADY_ENABLED);
      // Acknowledged by the streaming synchronous standby; a commit it never confirmed would wait forever.
      assertTimeoutPreemptively(Duration.ofSeconds(30), () -> pair.execute(pair.siteA, "CREATE TABLE sync_check (id int)"));
    } finally {
      sync.disable(pair.siteA.endpoint());
    }
    awaitPrimaryProbe("async again", stream -> "async".equals(stream.syncState()));
    assertThat(sync.disable(pair.siteA.endpoint())).isFalse();
  }

  private static ProbeResult awaitPrimaryProbe(String what,
      java.util.function.Predicate<ProbeResult.StandbyStream> condition) {
    return await(what).atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
        .until(() -> probe.probe(pair.siteA.endpoint(), pair.siteBAsPeer()),
            result -> result.primary() != null && result.primary().standbyStream() != null
                && condition.test(result.primary().standbyStream()));
  }
}
