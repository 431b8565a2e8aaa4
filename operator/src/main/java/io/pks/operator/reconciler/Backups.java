package io.pks.operator.reconciler;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.pks.operator.api.v1alpha1.BackupSpec;
import io.pks.operator.api.v1alpha1.BackupStatus;
import io.pks.operator.api.v1alpha1.Phase;
import io.pks.operator.api.v1alpha1.PksReplicaPair;
import io.pks.operator.api.v1alpha1.PksReplicaPairStatus;
import io.pks.operator.api.v1alpha1.ReplicationStatus;
import io.pks.operator.backup.Cron;
import io.pks.operator.postgres.Archiver;

/**
 * What a reconcile does about base backups, and what status.backup and the condition BackupsHealthy
 * say: pure, from the recorded status, the runner's state, the primary's pg_stat_archiver and the
 * time. A backup is started only once its start is in the status (status.backup.running, with the
 * request or schedule slot it answers), so each request and slot is acted on once.
 */
final class Backups {
  private Backups() {
  }

  static final String SCHEDULE = "schedule";
  static final String REQUEST = "request ";

  /**
   * @param status status.backup as it should be written
   * @param startAt when a backup should start now, as recorded in status.running; null when none should
   */
  record Step(BackupStatus status, Instant startAt, Health health) {
  }

  /** The condition BackupsHealthy. */
  record Health(boolean healthy, String reason, String message) {
  }

  /**
   * @param runner the backups this operator runs for the pair
   * @param archiver the primary's pg_stat_archiver at the last look; null when unknown
   * @param canStart the recorded primary answers as primary and no switchover or failover is under
   *     way: a backup due now starts, or waits until then
   * @param readFrom the member a backup started now reads its files from ({@link #readFrom})
   */
  static Step decide(PksReplicaPair pair, BackupRunner.State runner, Archiver archiver, boolean canStart,
      String readFrom, Instant now) {
    BackupStatus shown = shown(pair);
    BackupStatus.Builder next = shown.toBuilder();
    BackupRunner.Ended last = runner.last();
    if (last != null) {
      recordEnd(next, shown, last);
    }
    if (!runner.running()) {
      next.running(null);
      if (shown.running() != null && (last == null || !time(last.startedAt()).equals(shown.running().startedAt()))) {
        next.lastFailure(new BackupStatus.BackupFailure("the operator stopped while the backup started at "
            + shown.running().startedAt() + " ran: it did not end here; the next backup starts anew", time(now)));
      }
    }
    Instant startAt = null;
    List<String> reasons = canStart && !runner.running() ? reasons(pair, shown, now) : List.of();
    if (!reasons.isEmpty()) {
      startAt = now.truncatedTo(ChronoUnit.SECONDS);
      next.running(new BackupStatus.Running(time(startAt), String.join(" and ", reasons), readFrom));
      newRequest(pair, shown).ifPresent(next::request);
      if (reasons.contains(SCHEDULE)) {
        next.lastScheduleTime(time(now.truncatedTo(ChronoUnit.MINUTES)));
      }
    }
    if (archiver != null && archiver.lastArchivedWal() != null) {
      next.lastArchivedWal(archiver.lastArchivedWal()).lastArchivedWalTime(time(archiver.lastArchivedTime()));
    }
    BackupStatus status = next.build();
    return new Step(status, startAt, health(pair, status, archiver));
  }

  /**
   * The member a backup started under {@code status} reads its files from: the standby when the
   * status shows it streaming in sync (so its data is the primary's, as fresh as every
   * acknowledged commit) and not fenced, which takes the reading and compressing off the primary;
   * else the primary. The backup always runs in the primary, which reaches the standby's backup
   * server; pgBackRest waits there for the standby to replay up to the backup's start.
   */
  static String readFrom(PksReplicaPairStatus status) {
    String standby = status.synchronousStandby();
    ReplicationStatus replication = status.replication();
    boolean inSync = status.phase() == Phase.Streaming && standby != null && replication != null
        && "streaming".equals(replication.state()) && "sync".equals(replication.syncState())
        && !status.fencedMembers().contains(standby);
    return inSync ? standby : status.currentPrimary();
  }

  /** Whether a slot of spec.backup.schedule has come since the last one acted on (or since the pair was made). */
  static boolean scheduleDue(PksReplicaPair pair, Instant now) {
    BackupSpec backup = pair.getSpec().backup();
    if (backup == null || backup.schedule() == null) {
      return false;
    }
    String lastSlot = shown(pair).lastScheduleTime();
    String created = pair.getMetadata().getCreationTimestamp();
    Instant after = lastSlot != null ? Instant.parse(lastSlot) : created != null ? Instant.parse(created) : now;
    return Cron.parse(backup.schedule()).next(after.atZone(ZoneOffset.UTC))
        .filter(slot -> !slot.toInstant().isAfter(now)).isPresent();
  }

  private static void recordEnd(BackupStatus.Builder next, BackupStatus shown, BackupRunner.Ended last) {
    if (last.outcome().succeeded()) {
      next.lastSuccessfulBackup(time(last.endedAt()));
      if (last.outcome().firstRecoverabilityPoint() != null) {
        next.firstRecoverabilityPoint(time(last.outcome().firstRecoverabilityPoint()));
      }
    } else {
      next.lastFailure(new BackupStatus.BackupFailure(last.outcome().lastLine(), time(last.endedAt())));
    }
  }

  private static List<String> reasons(PksReplicaPair pair, BackupStatus shown, Instant now) {
    List<String> reasons = new ArrayList<>();
    if (scheduleDue(pair, now)) {
      reasons.add(SCHEDULE);
    }
    newRequest(pair, shown).ifPresent(request -> reasons.add(REQUEST + request));
    return reasons;
  }

  /** The value of pks.io/backup when the status does not show it acted on: a new request. */
  private static Optional<String> newRequest(PksReplicaPair pair, BackupStatus shown) {
    return pair.backupAnnotation().filter(request -> !request.equals(shown.request()));
  }

  /**
   * pgBackRest's HostConnectError: the store's name did not resolve or its port did not answer. No
   * check before the pair runs can tell this: only the member's network reaches the store.
   */
  static final String HOST_CONNECT_ERROR = "[049]";

  private static Health health(PksReplicaPair pair, BackupStatus status, Archiver archiver) {
    if (archiver != null && archiver.failing()) {
      return new Health(false, "ArchivingFailed", "The primary could not archive WAL segment "
          + archiver.lastFailedWal() + " (pgBackRest's archive-push failed; the primary's log says why): PostgreSQL"
          + " keeps it and every later segment in pg_wal and retries.");
    }
    BackupStatus.BackupFailure failure = status.lastFailure();
    if (failure != null && (status.lastSuccessfulBackup() == null
        || Instant.parse(failure.time()).isAfter(Instant.parse(status.lastSuccessfulBackup())))) {
      if (failure.message().contains(HOST_CONNECT_ERROR)) {
        return new Health(false, "ObjectStoreUnreachable", "The last base backup failed at " + failure.time()
            + ": spec.backup.objectStore.endpoint " + pair.getSpec().backup().objectStore().endpoint()
            + " cannot be reached from the member (correct the endpoint, or the network or DNS between them): "
            + failure.message());
      }
      return new Health(false, "BackupFailed", "The last base backup failed at " + failure.time() + ": "
          + failure.message());
    }
    return new Health(true, "Healthy", status.lastSuccessfulBackup() == null
        ? "No archiving failure reported; no base backup yet."
        : "No archiving failure reported; the last base backup ended at " + status.lastSuccessfulBackup() + ".");
  }

  private static BackupStatus shown(PksReplicaPair pair) {
    return pair.getStatus() == null || pair.getStatus().backup() == null ? BackupStatus.EMPTY
        : pair.getStatus().backup();
  }

  private static String time(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
