package io.pks.operator.sandbox;

import static io.pks.operator.sandbox.ObjectStoreSandbox.single;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.fabric8.kubernetes.api.model.Event;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.postgres.BaseBackup;
import io.pks.operator.reconciler.EventReason;

/**
 * Backups and point-in-time recovery end to end, in the sandbox's network mode with its object
 * store (S3Proxy over HTTPS) and the real pgBackRest: a pair archives and takes a base backup,
 * rows are written, a time T is noted, more rows are written and the table is dropped; a new pair
 * restored to T holds exactly the rows committed before T, and a target before the first backup
 * is refused with the reason on the pair.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PointInTimeRecoveryE2E {
  private static final String NAMESPACE = "telephony";
  private static final Duration RESTORE_BOUND = Duration.ofMinutes(3);

  @RegisterExtension
  static final ObjectStoreSandbox SANDBOX = new ObjectStoreSandbox("pitr-e2e", NAMESPACE);
  private static SandboxPair source;
  private static String timeT;


  @Test
  @Order(1)
  void aPairWithBackupsArchivesAndTakesABaseBackup() throws SQLException {
    source = SANDBOX.createPair(json -> SANDBOX.objectStore(spec(json).putObject("backup").put("retention", "7d")));
    source.awaitStreaming();

    BaseBackup.Outcome backup = source.backup();

    assertThat(backup.succeeded()).as(backup.lastLine()).isTrue();
    assertThat(backup.lastLine()).contains("backup complete: new backup label = ");
  }

  @Test
  @Order(2)
  void aNewPairRestoredToTimeTHoldsExactlyTheRowsCommittedBeforeT() throws SQLException {
    try (Connection connection = source.connect(source.readWrite()); Statement sql = connection.createStatement()) {
      sql.execute("CREATE TABLE calls (id int PRIMARY KEY, caller text NOT NULL)");
      sql.execute("INSERT INTO calls SELECT n, 'before T ' || n FROM generate_series(1, 100) n");
      // pgBackRest picks the backup to restore by its end, to the second: T must be a later second.
      sql.execute("SELECT pg_sleep(1.5)");
      timeT = single(sql, "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
      sql.execute("SELECT pg_sleep(1.5)");
      sql.execute("INSERT INTO calls SELECT n, 'after T ' || n FROM generate_series(101, 150) n");
      sql.execute("DROP TABLE calls");
      String lastSegment = single(sql, "SELECT pg_walfile_name(pg_switch_wal())");
      await("segment " + lastSegment + " archived").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
          .until(() -> archivedUpTo(sql, lastSegment));
    }

    SandboxPair restored = SANDBOX.createPair(json -> {
      ((ObjectNode) json.get("metadata")).put("name", "restored");
      ObjectNode recovery = spec(json).putObject("bootstrap").putObject("recovery").put("source", source.name)
          .put("targetTime", timeT);
      SANDBOX.objectStore(recovery);
    });
    PksReplicaPair streaming = restored.awaitStatus("Streaming after the restore", pair -> pair.getStatus() != null
        && pair.getStatus().phase() == Phase.Streaming);

    assertThat(restored.jobs("restore")).singleElement()
        .satisfies(job -> assertThat(SandboxPair.succeeded(job)).isTrue());
    assertThat(restored.jobs("initdb")).isEmpty();
    assertThat(streaming.getStatus().timeline()).as("a restore promotes at its target").isGreaterThan(1);
    try (Connection connection = restored.connect(restored.readWrite()); Statement sql = connection.createStatement()) {
      assertThat(single(sql, "SELECT count(*) || ' rows, ids ' || min(id) || '-' || max(id) FROM calls"))
          .isEqualTo("100 rows, ids 1-100");
      assertThat(single(sql, "SELECT count(*) FROM calls WHERE caller LIKE 'after T%'")).isEqualTo("0");
      sql.execute("INSERT INTO calls VALUES (101, 'written on the restored pair')");
    }
    assertThat(restored.inRecovery("site-b")).as("the standby was seeded from the restored primary").isTrue();
  }

  @Test
  @Order(3)
  void aTargetBeforeTheFirstBackupIsRefusedWithTheReasonOnThePair() {
    SandboxPair tooEarly = SANDBOX.createPair(json -> {
      ((ObjectNode) json.get("metadata")).put("name", "too-early");
      SANDBOX.objectStore(spec(json).putObject("bootstrap").putObject("recovery").put("source", source.name)
          .put("targetTime", "2020-01-01T00:00:00Z"));
    });

    PksReplicaPair failed = tooEarly.awaitStatus("Failed by its restore Job", pair -> pair.getStatus() != null
        && pair.getStatus().phase() == Phase.Failed);

    assertThat(failed.getStatus().message()).startsWith("Job too-early-site-a-restore could not restore primary site-a:")
        .contains("2020-01-01T00:00:00Z").contains("delete the Job to run it again");
    await("the RestoreFailed Event").atMost(RESTORE_BOUND).until(() -> tooEarly.client().v1().events()
        .inNamespace(NAMESPACE).list().getItems().stream().map(Event::getReason)
        .anyMatch(EventReason.RestoreFailed.name()::equals));
  }

  private static ObjectNode spec(ObjectNode json) {
    return (ObjectNode) json.get("spec");
  }

  private static boolean archivedUpTo(Statement sql, String segment) throws SQLException {
    String last = single(sql, "SELECT coalesce(last_archived_wal, '') FROM pg_stat_archiver");
    return last.compareTo(segment) >= 0;
  }
}
