package io.pks.operator.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.pks.operator.api.v1alpha1.ObjectStore;
import io.pks.operator.sandbox.S3ProxyServer;
import io.pks.operator.sandbox.SandboxPorts;
import io.pks.operator.sandbox.ScriptLauncher;

/**
 * Archiving, a base backup and a point-in-time restore into a new pair, with the operator's
 * scripts and rendered configuration, real pgBackRest and a real S3-compatible store (S3Proxy over
 * HTTPS, its certificate verified). The source pair archives with archive_mode on and async push;
 * the restored pair's first primary comes from restore.sh in place of initdb.sh.
 */
class PointInTimeRecoveryIT {

  @RegisterExtension
  static final LocalPostgres POSTGRES = new LocalPostgres();

  private static final String BUCKET = "pks-backups";
  private static final Duration ARCHIVE_BOUND = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Path folder;
  private static S3ProxyServer store;
  private static Path storeSecret;

  @BeforeAll
  static void startStore() throws IOException {
    folder = Files.createTempDirectory("pks-pitr-");
    store = S3ProxyServer.start(folder.resolve("store"), new SandboxPorts().service("it", "object-store", 443), BUCKET);
    storeSecret = Files.createDirectories(folder.resolve("store-secret"));
    Files.writeString(storeSecret.resolve(ObjectStore.ACCESS_KEY_ID), store.accessKeyId());
    Files.writeString(storeSecret.resolve(ObjectStore.SECRET_ACCESS_KEY), store.secretAccessKey());
    Files.copy(store.caCertificate(), storeSecret.resolve(ObjectStore.CA_CERT));
    for (String key : new String[] {ObjectStore.ACCESS_KEY_ID, ObjectStore.SECRET_ACCESS_KEY}) {
      Files.setPosixFilePermissions(storeSecret.resolve(key), PosixFilePermissions.fromString("rw-------"));
    }
    ScriptLauncher.own(folder);
  }

  @AfterAll
  static void stopStore() throws IOException {
    store.close();
    LocalPair.deleteRecursively(folder);
  }

  @Test
  void restoresANewPairToATimeBeforeTheDropWithExactlyTheRowsCommittedBeforeIt() throws Exception {
    LocalPair source = POSTGRES.newPair(spec -> objectStore(spec.putObject("backup"), "pitr"), storeSecret);
    source.bootstrapPrimary();
    LocalMember.JobRun backup = source.siteA.backup();
    assertThat(backup.exitCode()).as(backup.stderr() + backup.stdout()).isZero();
    System.out.println("TIMING base backup of an empty database: " + backup.took().toMillis() + " ms");

    source.execute(source.siteA, "CREATE TABLE calls (id int PRIMARY KEY)",
        "INSERT INTO calls SELECT generate_series(1, 100)");
    Thread.sleep(1100);
    String target = source.queryString(source.siteA,
        "SELECT to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')");
    Thread.sleep(1100);
    source.execute(source.siteA, "INSERT INTO calls SELECT generate_series(101, 150)", "DROP TABLE calls");
    awaitArchived(source);

    LocalPair restored = POSTGRES.newPair(spec -> objectStore(spec.putObject("bootstrap").putObject("recovery")
        .put("targetTime", target), "pitr"), storeSecret);
    LocalMember.JobRun restore = restored.siteA.restore();
    assertThat(restore.exitCode()).as(restore.stderr() + restore.stdout()).isZero();
    System.out.println("TIMING restore and replay to " + target + ": " + restore.took().toMillis() + " ms");
    restored.siteA.start();
    restored.siteA.awaitReady();

    assertThat(restored.queryString(restored.siteA, "SELECT count(*) || ' rows, ' || max(id) FROM calls"))
        .isEqualTo("100 rows, 100");
    assertThat(restored.queryString(restored.siteA, "SELECT pg_is_in_recovery()::text")).isEqualTo("false");
  }

  /**
   * spec.backup.retention: pgBackRest's time retention counts whole days, so the last backup and
   * the expiry its backup.sh runs after it run under libfaketime's {@code faketime -f +2d}, as if two
   * days had passed, with one day of retention. pgBackRest dates a backup by the database's clock, so
   * all three backups are older than the day counted back: the newest of them stays (a restore to a
   * day ago starts from it), the two before it go with the WAL only they needed, and a restore from
   * what is left holds every row.
   */
  @Test
  void retentionExpiresBackupsOlderThanItWithTheirWalAndKeepsTheNewestToRestoreFrom() throws Exception {
    LocalPair source = POSTGRES.newPair(spec -> objectStore(spec.putObject("backup").put("retention", "1d"),
        "retention"), storeSecret);
    source.bootstrapPrimary();
    source.execute(source.siteA, "CREATE TABLE calls (id int PRIMARY KEY)",
        "INSERT INTO calls SELECT generate_series(1, 100)");
    JsonNode first = backupAndList(source, List.of()).path("backup").path(0);
    source.execute(source.siteA, "INSERT INTO calls SELECT generate_series(101, 200)");
    awaitArchived(source);
    JsonNode second = backupAndList(source, List.of()).path("backup");
    assertThat(second).as("one day of retention, seen the same day: both backups kept").hasSize(2);
    source.execute(source.siteA, "INSERT INTO calls SELECT generate_series(201, 300)");
    awaitArchived(source);

    JsonNode stanza = backupAndList(source, List.of("faketime", "-f", "+2d"));

    JsonNode kept = stanza.path("backup");
    assertThat(kept).as("backups kept after the expiry two days ahead").hasSize(1);
    assertThat(kept.path(0).path("label").asText()).as("the newest backup")
        .isNotIn(first.path("label").asText(), second.path(1).path("label").asText());
    assertThat(stanza.path("archive").path(0).path("min").asText()).as("the oldest WAL kept: the newest backup's first")
        .isEqualTo(kept.path(0).path("archive").path("start").asText())
        .isGreaterThan(second.path(1).path("archive").path("start").asText());

    LocalPair restored = POSTGRES.newPair(spec -> objectStore(spec.putObject("bootstrap").putObject("recovery"),
        "retention"), storeSecret);
    LocalMember.JobRun restore = restored.siteA.restore();
    assertThat(restore.exitCode()).as(restore.stderr() + restore.stdout()).isZero();
    restored.siteA.start();
    restored.siteA.awaitReady();
    assertThat(restored.queryString(restored.siteA, "SELECT count(*) || ' rows, ' || max(id) FROM calls"))
        .isEqualTo("300 rows, 300");
  }

  /**
   * Takes a base backup under {@code wrapper}; the stanza as pgBackRest lists it after the backup and
   * its expiry: its backups oldest first, its archive's oldest and newest WAL.
   */
  private static JsonNode backupAndList(LocalPair pair, List<String> wrapper) throws Exception {
    LocalMember.JobRun backup = pair.siteA.backup(wrapper);
    assertThat(backup.exitCode()).as(backup.stderr() + backup.stdout()).isZero();
    String line = backup.stdout().lines().filter(each -> each.startsWith(BaseBackup.INFO_PREFIX)).reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no repository listing in " + backup.stdout()));
    return JSON.readTree(line.substring(BaseBackup.INFO_PREFIX.length())).path(0);
  }

  /** Waits until the segment holding everything written so far is in the store. */
  private static void awaitArchived(LocalPair pair) throws SQLException {
    String segment = pair.queryString(pair.siteA, "SELECT pg_walfile_name(pg_switch_wal())");
    await("segment " + segment + " archived").atMost(ARCHIVE_BOUND).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          String archived = pair.queryString(pair.siteA, "SELECT last_archived_wal FROM pg_stat_archiver");
          return archived != null && archived.compareTo(segment) >= 0;
        });
  }

  private static void objectStore(ObjectNode parent, String path) {
    parent.putObject("objectStore").put("endpoint", store.endpoint()).put("bucket", BUCKET).put("path", path)
        .put("credentialsSecret", "object-store").put("caSecret", "object-store");
  }

}
