package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Backups and WAL archiving of a pair with spec.backup, as the operator last saw them. Written only
 * when something here changes: a backup requested, started or ended, a WAL segment archived.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record BackupStatus(
    @JsonPropertyDescription("The value of the annotation pks.io/backup the operator last acted on: a different"
        + " value is a new request for a base backup.")
    String request,
    @JsonPropertyDescription("The minute the operator last started a backup for spec.backup.schedule (UTC): the"
        + " next is the schedule's first slot after it (a slot missed while the operator was away is taken once).")
    String lastScheduleTime,
    @JsonPropertyDescription("The base backup running now: when it started and why; absent when none runs.")
    Running running,
    @JsonPropertyDescription("When the last base backup that succeeded ended.")
    String lastSuccessfulBackup,
    @JsonPropertyDescription("The earliest time a restore can reach: the end of the oldest base backup the"
        + " object store keeps (pgbackrest info), as read after the last backup.")
    String firstRecoverabilityPoint,
    @JsonPropertyDescription("The last WAL segment (or timeline history file) the primary reports archived"
        + " (pg_stat_archiver): with pgBackRest's asynchronous archiving, it is in the object store.")
    String lastArchivedWal,
    @JsonPropertyDescription("When the primary archived lastArchivedWal (pg_stat_archiver.last_archived_time).")
    String lastArchivedWalTime,
    @JsonPropertyDescription("The last base backup that failed: why, and when.")
    BackupFailure lastFailure) {

  /** A base backup started by the operator, recorded before it starts. */
  public record Running(
      @JsonPropertyDescription("When it started.")
      String startedAt,
      @JsonPropertyDescription("Why: the schedule, the request (pks.io/backup), or both.")
      String reason,
      @JsonPropertyDescription("The member whose files it reads: the standby when the status showed it streaming"
          + " in sync as the backup started, else the primary. It always runs in the primary.")
      String readFrom) {
  }

  /** Why and when a base backup failed. */
  public record BackupFailure(
      @JsonPropertyDescription("The backup's last output line, saying why it failed.")
      String message,
      @JsonPropertyDescription("When it failed.")
      String time) {
  }

  public static final BackupStatus EMPTY = builder().build();

  public static Builder builder() {
    return new Builder();
  }

  /** A builder holding every field of this status, to change some of them. */
  public Builder toBuilder() {
    return new Builder().request(request).lastScheduleTime(lastScheduleTime).running(running)
        .lastSuccessfulBackup(lastSuccessfulBackup).firstRecoverabilityPoint(firstRecoverabilityPoint)
        .lastArchivedWal(lastArchivedWal).lastArchivedWalTime(lastArchivedWalTime).lastFailure(lastFailure);
  }

  /** Builds a {@link BackupStatus}; unset fields are null (absent from the resource). */
  public static final class Builder {
    private String request;
    private String lastScheduleTime;
    private Running running;
    private String lastSuccessfulBackup;
    private String firstRecoverabilityPoint;
    private String lastArchivedWal;
    private String lastArchivedWalTime;
    private BackupFailure lastFailure;

    private Builder() {
    }

    public Builder request(String request) {
      this.request = request;
      return this;
    }

    public Builder lastScheduleTime(String lastScheduleTime) {
      this.lastScheduleTime = lastScheduleTime;
      return this;
    }

    public Builder running(Running running) {
      this.running = running;
      return this;
    }

    public Builder lastSuccessfulBackup(String lastSuccessfulBackup) {
      this.lastSuccessfulBackup = lastSuccessfulBackup;
      return this;
    }

    public Builder firstRecoverabilityPoint(String firstRecoverabilityPoint) {
      this.firstRecoverabilityPoint = firstRecoverabilityPoint;
      return this;
    }

    public Builder lastArchivedWal(String lastArchivedWal) {
      this.lastArchivedWal = lastArchivedWal;
      return this;
    }

    public Builder lastArchivedWalTime(String lastArchivedWalTime) {
      this.lastArchivedWalTime = lastArchivedWalTime;
      return this;
    }

    public Builder lastFailure(BackupFailure lastFailure) {
      this.lastFailure = lastFailure;
      return this;
    }

    public BackupStatus build() {
      return new BackupStatus(request, lastScheduleTime, running, lastSuccessfulBackup, firstRecoverabilityPoint,
          lastArchivedWal, lastArchivedWalTime, lastFailure);
    }
  }
}
