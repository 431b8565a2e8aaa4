package io.pks.operator.sandbox;

import static io.pks.operator.sandbox.ObjectStoreSandbox.rowsAndIds;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.cli.CliRun;
import io.pks.operator.model.ClusterNetwork;
import io.pks.operator.reconciler.EventReason;

/**
 * Base backups that read the standby's files (issue 16), in the sandbox's network mode with its
 * object store and the real pgBackRest: while the standby streams in sync, a requested backup runs
 * in the primary and reads every relation file through the standby's backup server over TLS
 * (pgBackRest's own log of the backup names the standby's host for each), and a new pair restored
 * from it holds every row; with the standby's node down, the next backup reads the primary's files.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StandbyBackupE2E {
  private static final String NAMESPACE = "telephony";
  private static final String A = "site-a";
  private static final String B = "site-b";
  /** The stanza, then a backup that waits for the standby's replay, of a small database on a busy machine. */
  private static final Duration BACKUP_BOUND = Duration.ofMinutes(4);
  private static final String LOG = "last-backup.log";

  @RegisterExtension
  static final ObjectStoreSandbox SANDBOX = new ObjectStoreSandbox("sbackup", NAMESPACE);
  private static SandboxPair pair;

  @Test
  @Order(1)
  void whileTheStandbyStreamsInSyncTheBackupReadsItsFilesThroughItsBackupServer() throws Exception {
    pair = SANDBOX.createPair(json -> SANDBOX.objectStore(((ObjectNode) json.get("spec")).putObject("backup")));
    pair.awaitSynchronous();
    try (Connection connection = pair.connect(pair.readWrite()); Statement sql = connection.createStatement()) {
      sql.execute("CREATE TABLE calls (id int PRIMARY KEY, caller text NOT NULL)");
      sql.execute("INSERT INTO calls SELECT n, 'caller ' || n FROM generate_series(1, 20000) n");
    }

    String request = requestBackup(null);

    assertThat(pair.events(EventReason.BackupStarted))
        .contains("Base backup of site-a started from site-b (request " + request + ").");
    String standby = new ClusterNetwork(ClusterNetwork.DEFAULT_CLUSTER_DOMAIN).endpoint(pair.get(), B).host();
    List<String> copied = copiedFiles(pair.runFile(A, LOG));
    assertThat(copied).as("relation files, read from the standby's server")
        .anyMatch(file -> file.startsWith(standby + ":") && file.contains("/base/"));
    assertThat(copied).as("no relation file read from the primary's own data")
        .noneMatch(file -> !file.startsWith(standby + ":") && file.contains("/base/"));
  }

  @Test
  @Order(2)
  void aNewPairRestoredFromThatBackupHoldsEveryRow() throws Exception {
    SandboxPair restored = SANDBOX.restoreLatest("restored", pair);
    try (Connection connection = restored.connect(restored.readWrite()); Statement sql = connection.createStatement()) {
      assertThat(rowsAndIds(sql, "calls")).isEqualTo("20000 rows, ids 1-20000");
    }
    // Gone, so that the next backup does not share the machine with it.
    restored.delete();
  }

  @Test
  @Order(3)
  void withTheStandbyDownTheBackupReadsThePrimarysFiles() throws Exception {
    String before = pair.get().getStatus().backup().lastSuccessfulBackup();
    pair.nodeDown(B);
    pair.awaitStatus("the standby seen down", p -> p.getStatus().phase() == Phase.Degraded);

    String request = requestBackup(before);

    assertThat(pair.events(EventReason.BackupStarted))
        .contains("Base backup of site-a started from site-a (request " + request + ").");
    String primaryData = pair.pgdata(A).toString();
    assertThat(copiedFiles(pair.runFile(A, LOG))).as("relation files, read from the primary's own data")
        .anyMatch(file -> file.startsWith(primaryData + "/base/"))
        .allMatch(file -> file.startsWith(primaryData + "/"));
  }

  /** Requests a backup with {@code kubectl pks backup}, and waits for one to succeed after {@code after}. */
  private static String requestBackup(String after) {
    CliRun run = CliRun.of("backup", pair.name, "-n", NAMESPACE, "--kubeconfig",
        SANDBOX.sandbox().kubeconfig().toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    String request = pair.get().backupAnnotation().orElseThrow();
    PksReplicaPair backedUp = pair.awaitBackup("the requested backup", after, BACKUP_BOUND);
    assertThat(backedUp.getStatus().backup().request()).isEqualTo(request);
    return request;
  }

  /** The files pgBackRest's detailed log of a backup says it copied, each as it names it ({@code [host:]path}). */
  private static List<String> copiedFiles(String log) {
    return log.lines().filter(line -> line.contains(" backup file "))
        .map(line -> line.substring(line.indexOf(" backup file ") + " backup file ".length()).split(" ")[0])
        .toList();
  }
}
