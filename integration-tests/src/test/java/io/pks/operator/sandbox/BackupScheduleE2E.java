package io.pks.operator.sandbox;

import static io.pks.operator.sandbox.ObjectStoreSandbox.rowsAndIds;
import static io.pks.operator.sandbox.ObjectStoreSandbox.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Event;
import io.pks.operator.api.v1alpha1.BackupStatus;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.cli.CliRun;
import io.pks.operator.reconciler.EventReason;

/**
 * Base backups the operator takes, in the sandbox's network mode with its object store (S3Proxy over
 * HTTPS) and the real pgBackRest: one at a slot of spec.backup.schedule, one on request by
 * {@code kubectl pks backup}; each recorded in status.backup with the archive's progress, the
 * condition BackupsHealthy and Events. Then the store goes away for a while, and the primary is
 * lost: archiving catches up, follows the new primary, and restores find every row they should.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BackupScheduleE2E {
  private static final String NAMESPACE = "telephony";
  private static final String A = "site-a";
  private static final String B = "site-b";
  /** The slot (at most two minutes away), then the stanza and a backup of a small database on a busy machine. */
  private static final Duration BACKUP_BOUND = Duration.ofMinutes(5);
  /**
   * pgBackRest tries to reach a store that refuses for its io-timeout (60 s) before it reports the
   * push failed to PostgreSQL; PostgreSQL's archiver waits a minute once three tries have failed.
   */
  private static final Duration OUTAGE_BOUND = Duration.ofMinutes(3);

  @RegisterExtension
  static final ObjectStoreSandbox SANDBOX = new ObjectStoreSandbox("backups", NAMESPACE);
  private static SandboxPair pair;


  @Test
  @Order(1)
  void aSlotOfTheScheduleTakesABackupThatTheStatusRecords() {
    // Once a day, at the first whole minute at least 10 s from now (so after the pair's creation,
    // from which slots are counted): one slot during the test, reached within 70 s.
    ZonedDateTime slot = ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(70).truncatedTo(ChronoUnit.MINUTES);
    String schedule = slot.getMinute() + " " + slot.getHour() + " * * *";
    pair = SANDBOX.createPair(json -> {
      SANDBOX.objectStore(((ObjectNode) json.get("spec")).putObject("backup").put("schedule", schedule)
          .put("retention", "7d"));
    });
    pair.awaitStreaming();

    PksReplicaPair backedUp = awaitBackup("the scheduled backup", null);

    BackupStatus backup = backedUp.getStatus().backup();
    assertThat(backup.lastScheduleTime()).isEqualTo(slot.toInstant().toString());
    assertThat(backup.lastFailure()).isNull();
    assertThat(Instant.parse(backup.firstRecoverabilityPoint())).isAfter(Instant.parse(backup.lastScheduleTime()))
        .isBeforeOrEqualTo(Instant.parse(backup.lastSuccessfulBackup()));
    await("the WAL of the backup archived").atMost(Duration.ofSeconds(30))
        .until(() -> pair.get().getStatus().backup().lastArchivedWal() != null);
    assertThat(condition(pair.get(), "BackupsHealthy").getStatus()).isEqualTo("True");
    assertThat(reasons()).contains(EventReason.BackupStarted.name(), EventReason.BackupSucceeded.name());
  }

  @Test
  @Order(2)
  void kubectlPksBackupTakesABackupNowAndTheStatusRecordsTheRequest() {
    String before = pair.get().getStatus().backup().lastSuccessfulBackup();

    CliRun run = CliRun.of("backup", pair.name, "-n", NAMESPACE, "--kubeconfig",
        SANDBOX.sandbox().kubeconfig().toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("Base backup of " + NAMESPACE + "/" + pair.name + " requested (");
    String request = pair.get().backupAnnotation().orElseThrow();
    PksReplicaPair backedUp = awaitBackup("the requested backup", before);
    assertThat(backedUp.getStatus().backup().request()).isEqualTo(request);
    assertThat(pair.client().v1().events().inNamespace(NAMESPACE).list().getItems()).map(Event::getMessage)
        .contains("Base backup of site-a started from site-b (request " + request + ").");
  }

  @Test
  @Order(3)
  void aStoreUnreachableForAWhileMakesBackupsUnhealthyThenArchivingCatchesUpAndLosesNothing() throws Exception {
    String lastSegment;
    SANDBOX.store().stop();
    try (Connection connection = pair.connect(pair.readWrite()); Statement sql = connection.createStatement()) {
      sql.execute("CREATE TABLE during_outage (id int PRIMARY KEY)");
      for (int i = 1; i <= 3; i++) {
        sql.execute("INSERT INTO during_outage SELECT generate_series(" + (i * 100 - 99) + ", " + i * 100 + ")");
        sql.execute("SELECT pg_switch_wal()");
      }
      lastSegment = single(sql, "SELECT pg_walfile_name(pg_current_wal_lsn())");
      sql.execute("SELECT pg_switch_wal()");

      PksReplicaPair unhealthy = await("BackupsHealthy False while the store is down").atMost(OUTAGE_BOUND)
          .pollInterval(Duration.ofSeconds(1)).until(pair::get, p -> "False".equals(condition(p, "BackupsHealthy")
              .getStatus()));
      assertThat(condition(unhealthy, "BackupsHealthy").getReason()).isEqualTo("ArchivingFailed");
      assertThat(single(sql, "SELECT count(*) FROM during_outage")).as("commits go on").isEqualTo("300");
      assertThat(reasons()).contains(EventReason.BackupsUnhealthy.name());
    } finally {
      SANDBOX.store().start();
    }

    PksReplicaPair caughtUp = await("archiving caught up past " + lastSegment).atMost(OUTAGE_BOUND)
        .pollInterval(Duration.ofSeconds(1)).until(pair::get, p -> "True".equals(condition(p, "BackupsHealthy")
            .getStatus()) && p.getStatus().backup().lastArchivedWal().compareTo(lastSegment) >= 0);
    assertThat(condition(caughtUp, "BackupsHealthy").getReason()).isEqualTo("Healthy");

    SandboxPair restored = SANDBOX.restoreLatest("restored", pair);
    try (Connection connection = restored.connect(restored.readWrite()); Statement sql = connection.createStatement()) {
      assertThat(rowsAndIds(sql, "during_outage"))
          .as("the end of the archive holds every row written during the outage").isEqualTo("300 rows, ids 1-300");
    }
  }

  @Test
  @Order(4)
  void archivingFollowsAFailoverAndARestoreReachesAPointAfterIt() throws Exception {
    try (Connection connection = awaitWritable(); Statement sql = connection.createStatement()) {
      sql.execute("CREATE TABLE across_failover (id int PRIMARY KEY)");
      sql.execute("INSERT INTO across_failover SELECT generate_series(1, 100)");
      // The old primary's last segment is archived before it is lost: the gap README's "Timelines" names is not tested here.
      awaitArchived(sql);
    }

    pair.nodeDown(A);
    pair.awaitStatus("failed over to " + B, p -> B.equals(p.getStatus().currentPrimary()) && p.getStatus().phase()
        != Phase.FailingOver);
    String timeT;
    String lastSegment;
    try (Connection connection = awaitWritable(); Statement sql = connection.createStatement()) {
      sql.execute("INSERT INTO across_failover SELECT generate_series(101, 200)");
      sql.execute("SELECT pg_sleep(1.5)");
      timeT = single(sql, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
      sql.execute("SELECT pg_sleep(1.5)");
      sql.execute("INSERT INTO across_failover SELECT generate_series(201, 250)");
      lastSegment = awaitArchived(sql);
    }
    assertThat(lastSegment).as("a segment of the new timeline").startsWith("00000002");

    SandboxPair restored = SANDBOX.createPair(json -> {
      ((ObjectNode) json.get("metadata")).put("name", "at-t");
      SANDBOX.objectStore(((ObjectNode) json.get("spec")).putObject("bootstrap").putObject("recovery")
          .put("source", pair.name).put("targetTime", timeT));
    });
    restored.awaitStreaming();
    try (Connection connection = restored.connect(restored.readWrite()); Statement sql = connection.createStatement()) {
      assertThat(rowsAndIds(sql, "across_failover"))
          .as("the rows committed before T, on both timelines").isEqualTo("200 rows, ids 1-200");
    }
  }

  /**
   * A session on the -rw Service that can write: the primary, once it serves (after a failover, or
   * on a machine busy with the pair just restored, a first attempt can time out).
   */
  private static Connection awaitWritable() {
    return await("the primary accepts writes").atMost(SandboxPair.BOUND).ignoreExceptions()
        .until(BackupScheduleE2E::writable, connection -> connection != null);
  }

  private static Connection writable() throws SQLException {
    Connection connection = pair.connect(pair.readWrite());
    try (Statement sql = connection.createStatement()) {
      if (single(sql, "SELECT pg_is_in_recovery()::text").equals("false")) {
        return connection;
      }
    }
    connection.close();
    return null;
  }

  /** Switches to a new segment and waits until the status shows the one just completed archived; returns its name. */
  private static String awaitArchived(Statement sql) throws SQLException {
    String segment = single(sql, "SELECT pg_walfile_name(pg_switch_wal())");
    await("segment " + segment + " archived").atMost(OUTAGE_BOUND).pollInterval(Duration.ofSeconds(1))
        .until(() -> pair.get().getStatus().backup().lastArchivedWal().compareTo(segment) >= 0);
    return segment;
  }

  private static PksReplicaPair awaitBackup(String what, String after) {
    return pair.awaitBackup(what, after, BACKUP_BOUND);
  }

  private static Condition condition(PksReplicaPair pair, String type) {
    return pair.getStatus().conditions().stream().filter(c -> c.getType().equals(type)).findFirst().orElseThrow();
  }

  private static List<String> reasons() {
    return pair.client().v1().events().inNamespace(NAMESPACE).list().getItems().stream().map(Event::getReason).toList();
  }
}
