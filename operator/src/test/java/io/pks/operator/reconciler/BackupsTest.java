package io.pks.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import io.pks.operator.TestPairs;
import io.pks.operator.api.v1alpha1.BackupStatus;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.api.v1alpha1.ReplicationStatus;
import io.pks.operator.postgres.Archiver;
import io.pks.operator.postgres.BaseBackup;

/**
 * Base backups by named situations: when one starts (a slot of the schedule, a new request), what
 * the status records before and after, and what BackupsHealthy says. The example pair has a
 * nightly schedule at 02:00 UTC and was created the day before NOW.
 */
class BackupsTest {
  private static final Instant NOW = Instant.parse("2026-11-30T02:00:30Z");
  private static final Instant CREATED = Instant.parse("2026-11-29T10:00:00Z");
  private static final BackupRunner.State IDLE = BackupRunner.State.NONE;
  private static final Archiver ARCHIVING = new Archiver("000000010000000000000007",
      Instant.parse("2026-11-30T01:59:50Z"), null, null, 7, 0);

  @Test
  void theFirstSlotOfTheScheduleAfterThePairWasMadeStartsABackupRecordedBeforeItRuns() {
    Backups.Step step = Backups.decide(pair(null, BackupStatus.EMPTY), IDLE, ARCHIVING, true, "site-a", NOW);

    assertThat(step.startAt()).isEqualTo(Instant.parse("2026-11-30T02:00:30Z"));
    assertThat(step.status().running())
        .isEqualTo(new BackupStatus.Running("2026-11-30T02:00:30Z", "schedule", "site-a"));
    assertThat(step.status().lastScheduleTime()).isEqualTo("2026-11-30T02:00:00Z");
  }

  @Test
  void aSlotAlreadyActedOnStartsNothingUntilTheNext() {
    BackupStatus shown = BackupStatus.builder().lastScheduleTime("2026-11-30T02:00:00Z").build();

    Backups.Step step = Backups.decide(pair(null, shown), IDLE, ARCHIVING, true, "site-a", NOW.plusSeconds(3600));

    assertThat(step.startAt()).isNull();
    assertThat(Backups.scheduleDue(pair(null, shown), Instant.parse("2026-12-01T02:00:00Z"))).isTrue();
  }

  @Test
  void aNewRequestStartsABackupAndIsRecordedOnce() {
    BackupStatus shown = BackupStatus.builder().lastScheduleTime("2026-11-30T02:00:00Z").build();
    PksReplicaPair requested = pair("2026-11-30T09:00:00Z", shown);

    Backups.Step step = Backups.decide(requested, IDLE, ARCHIVING, true, "site-a", NOW.plusSeconds(7 * 3600));

    assertThat(step.status().request()).isEqualTo("2026-11-30T09:00:00Z");
    assertThat(step.status().running().reason()).isEqualTo("request 2026-11-30T09:00:00Z");
    assertThat(Backups.decide(pair("2026-11-30T09:00:00Z", step.status()), IDLE, ARCHIVING, true, "site-a",
        NOW.plusSeconds(7 * 3600)).startAt()).as("the same request again").isNull();
  }

  @Test
  void aBackupDueWhileOneRunsOrNoPrimaryAnswersWaitsUnrecorded() {
    BackupRunner.State running = new BackupRunner.State(NOW.minusSeconds(60), null);
    BackupStatus shown = BackupStatus.builder().running(new BackupStatus.Running("2026-11-30T01:59:30Z", "request x",
        "site-a"))
        .request("x").build();

    Backups.Step whileRunning = Backups.decide(pair("y", shown), running, ARCHIVING, true, "site-a", NOW);
    Backups.Step noPrimary = Backups.decide(pair("y", BackupStatus.EMPTY), IDLE, ARCHIVING, false, "site-a", NOW);

    assertThat(whileRunning.startAt()).isNull();
    assertThat(whileRunning.status()).isEqualTo(shown.toBuilder()
        .lastArchivedWal(ARCHIVING.lastArchivedWal()).lastArchivedWalTime("2026-11-30T01:59:50Z").build());
    assertThat(noPrimary.startAt()).isNull();
    assertThat(noPrimary.status().request()).isNull();
    assertThat(noPrimary.status().lastScheduleTime()).isNull();
  }

  @Test
  void aBackupThatSucceededIsRecordedWithTheFirstRecoverabilityPoint() {
    BackupStatus shown = BackupStatus.builder()
        .running(new BackupStatus.Running("2026-11-30T02:00:30Z", "schedule", "site-a"))
        .lastScheduleTime("2026-11-30T02:00:00Z").build();
    BackupRunner.State ended = new BackupRunner.State(null, new BackupRunner.Ended(NOW,
        new BaseBackup.Outcome(true, "backup complete", Instant.parse("2026-11-23T02:04:00Z")),
        Instant.parse("2026-11-30T02:05:10.5Z")));

    Backups.Step step = Backups.decide(pair(null, shown), ended, ARCHIVING, true, "site-a", NOW.plusSeconds(300));

    assertThat(step.status()).isEqualTo(BackupStatus.builder().lastScheduleTime("2026-11-30T02:00:00Z")
        .lastSuccessfulBackup("2026-11-30T02:05:10Z").firstRecoverabilityPoint("2026-11-23T02:04:00Z")
        .lastArchivedWal("000000010000000000000007").lastArchivedWalTime("2026-11-30T01:59:50Z").build());
    assertThat(step.health()).isEqualTo(new Backups.Health(true, "Healthy", "No archiving failure reported; the last"
        + " base backup ended at 2026-11-30T02:05:10Z."));
  }

  @Test
  void aBackupThatFailedIsRecordedAndMakesBackupsUnhealthyUntilOneSucceeds() {
    BackupStatus shown = BackupStatus.builder()
        .running(new BackupStatus.Running("2026-11-30T02:00:30Z", "schedule", "site-a"))
        .lastScheduleTime("2026-11-30T02:00:00Z").lastSuccessfulBackup("2026-11-29T02:05:00Z").build();
    BackupRunner.State failed = new BackupRunner.State(null, new BackupRunner.Ended(NOW,
        new BaseBackup.Outcome(false, "the backup's session on site-a ended: terminating connection", null),
        Instant.parse("2026-11-30T02:01:00Z")));

    Backups.Step step = Backups.decide(pair(null, shown), failed, ARCHIVING, true, "site-a", NOW.plusSeconds(60));

    assertThat(step.status().lastFailure()).isEqualTo(new BackupStatus.BackupFailure(
        "the backup's session on site-a ended: terminating connection", "2026-11-30T02:01:00Z"));
    assertThat(step.status().running()).isNull();
    assertThat(step.health()).isEqualTo(new Backups.Health(false, "BackupFailed", "The last base backup failed at"
        + " 2026-11-30T02:01:00Z: the backup's session on site-a ended: terminating connection"));
  }

  @Test
  void aBackupThatCouldNotReachTheStoreNamesTheEndpointField() {
    String unreachable = "backup: pgbackrest stanza-create: ERROR: [049]: unable to get address for"
        + " 's3.example.com': [-2] Name or service not known";
    BackupRunner.State failed = new BackupRunner.State(null, new BackupRunner.Ended(NOW,
        new BaseBackup.Outcome(false, unreachable, null), Instant.parse("2026-11-30T02:01:00Z")));

    Backups.Step step = Backups.decide(pair(null, BackupStatus.EMPTY), failed, ARCHIVING, true, "site-a", NOW.plusSeconds(60));

    assertThat(step.health()).isEqualTo(new Backups.Health(false, "ObjectStoreUnreachable", "The last base backup"
        + " failed at 2026-11-30T02:01:00Z: spec.backup.objectStore.endpoint https://s3.example.com cannot be"
        + " reached from the member (correct the endpoint, or the network or DNS between them): " + unreachable));
  }

  @Test
  void aBackupRecordedAsRunningThatThisOperatorDoesNotRunIsRecordedAsFailed() {
    BackupStatus shown = BackupStatus.builder()
        .running(new BackupStatus.Running("2026-11-30T02:00:30Z", "schedule", "site-a"))
        .lastScheduleTime("2026-11-30T02:00:00Z").build();

    Backups.Step step = Backups.decide(pair(null, shown), IDLE, ARCHIVING, true, "site-a", NOW.plusSeconds(600));

    assertThat(step.status().running()).isNull();
    assertThat(step.status().lastFailure()).isEqualTo(new BackupStatus.BackupFailure("the operator stopped while the"
        + " backup started at 2026-11-30T02:00:30Z ran: it did not end here; the next backup starts anew",
        "2026-11-30T02:10:30Z"));
    assertThat(step.startAt()).as("the slot was acted on").isNull();
  }

  @Test
  void archivingThatFailsSinceItLastSucceededMakesBackupsUnhealthy() {
    Archiver failing = new Archiver("000000010000000000000007", Instant.parse("2026-11-30T01:00:00Z"),
        "000000010000000000000008", Instant.parse("2026-11-30T02:00:00Z"), 7, 12);
    Archiver recovered = new Archiver("000000010000000000000009", Instant.parse("2026-11-30T02:00:20Z"),
        "000000010000000000000008", Instant.parse("2026-11-30T02:00:00Z"), 9, 12);
    BackupStatus done = BackupStatus.builder().lastScheduleTime("2026-11-30T02:00:00Z").build();

    assertThat(Backups.decide(pair(null, done), IDLE, failing, true, "site-a", NOW).health()).isEqualTo(new Backups.Health(
        false, "ArchivingFailed", "The primary could not archive WAL segment 000000010000000000000008 (pgBackRest's"
            + " archive-push failed; the primary's log says why): PostgreSQL keeps it and every later segment in"
            + " pg_wal and retries."));
    assertThat(Backups.decide(pair(null, done), IDLE, recovered, true, "site-a", NOW).health().healthy()).isTrue();
    assertThat(Backups.decide(pair(null, done), IDLE, null, true, "site-a", NOW).status().lastArchivedWal())
        .as("unknown archiver: nothing changes").isNull();
  }

  @Test
  void aBackupStartedWhileTheStandbyStreamsInSyncRecordsThatItReadsFromTheStandby() {
    Backups.Step step = Backups.decide(pair(null, BackupStatus.EMPTY), IDLE, ARCHIVING, true, "site-b", NOW);

    assertThat(step.status().running())
        .isEqualTo(new BackupStatus.Running("2026-11-30T02:00:30Z", "schedule", "site-b"));
  }

  @Test
  void theStandbyStreamingInSyncIsReadFrom() {
    assertThat(Backups.readFrom(streaming("streaming", "sync", "site-b").build())).isEqualTo("site-b");
  }

  @Test
  void aStandbyNotStreamingLeavesThePrimaryToReadFrom() {
    assertThat(Backups.readFrom(streaming("streaming", "sync", "site-b").phase(Phase.Degraded).build()))
        .as("degraded").isEqualTo("site-a");
    assertThat(Backups.readFrom(streaming("none", null, "site-b").build())).as("not connected").isEqualTo("site-a");
    assertThat(Backups.readFrom(streaming("catchup", "sync", "site-b").build())).as("catching up")
        .isEqualTo("site-a");
  }

  @Test
  void aStandbyStreamingAsynchronouslyLeavesThePrimaryToReadFrom() {
    assertThat(Backups.readFrom(streaming("streaming", "async", null).build())).isEqualTo("site-a");
    assertThat(Backups.readFrom(streaming("streaming", "async", "site-b").build())).isEqualTo("site-a");
  }

  @Test
  void aFencedStandbyIsNotReadFrom() {
    assertThat(Backups.readFrom(streaming("streaming", "sync", "site-b").fencedMembers(List.of("site-b")).build()))
        .isEqualTo("site-a");
  }

  /** A status with site-a the primary, Streaming, its standby site-b in {@code state} and {@code syncState}. */
  private static PksReplicaPairStatus.Builder streaming(String state, String syncState, String synchronousStandby) {
    return PksReplicaPairStatus.builder().phase(Phase.Streaming).currentPrimary("site-a")
        .synchronousStandby(synchronousStandby).replication(ReplicationStatus.builder().state(state)
            .syncState(syncState).build());
  }

  /** The example with spec.backup, made at CREATED, with {@code request} in pks.io/backup (none when null). */
  private static PksReplicaPair pair(String request, BackupStatus backup) {
    PksReplicaPair pair = TestPairs.example(json -> {
      ((ObjectNode) json.get("metadata")).put("creationTimestamp", CREATED.toString());
      if (request != null) {
        ((ObjectNode) json.get("metadata")).putObject("annotations").put(PksReplicaPair.BACKUP_ANNOTATION, request);
      }
      TestPairs.spec(json).putObject("backup").put("schedule", "0 2 * * *").put("retention", "7d")
          .putObject("objectStore").put("endpoint", "https://s3.example.com").put("bucket", "pks-backups")
          .put("path", "telephony/pks").put("credentialsSecret", "pks-s3");
    });
    pair.setStatus(PksReplicaPairStatus.builder().currentPrimary("site-a").backup(backup).build());
    return pair;
  }
}
