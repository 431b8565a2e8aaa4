package io.pks.operator.api.v1alpha1;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.kubernetes.api.model.Condition;

/** Observed state, written by the operator only. A record, so "did anything change" is equals(). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PksReplicaPairStatus(
    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    Long observedGeneration,
    @JsonPropertyDescription("Lifecycle phase.")
    Phase phase,
    @JsonPropertyDescription("Member currently acting as primary.")
    String currentPrimary,
    @JsonPropertyDescription("Member being promoted by a switchover or failover in progress.")
    String targetPrimary,
    @JsonPropertyDescription("The spec.primary the operator last acted on. A spec.primary that differs from it and"
        + " from currentPrimary is a switchover request; after a failover spec.primary keeps the value the user"
        + " wrote (the operator never writes the spec), so it asks for nothing.")
    String requestedPrimary,
    @JsonPropertyDescription("During a switchover: the old primary's WAL position last seen before it was stopped."
        + " The target is promoted as by a switchover only once it has received WAL beyond it (the old primary's"
        + " shutdown checkpoint); otherwise the failover rules apply.")
    String switchoverLsn,
    @JsonPropertyDescription("Member being restarted by a rolling restart (a setting that needs one, the image, the"
        + " pod template or the scripts changed): one member at a time, the standby first.")
    String restartingMember,
    @JsonPropertyDescription("When restartingMember was started again (or unfenced): a primary restarted in place"
        + " counts the bound of its return from then.")
    String memberStartedAt,
    @JsonPropertyDescription("Member currently acting as standby.")
    String standby,
    @JsonPropertyDescription("Site whose SIP pods the <pair>-sip Service selects.")
    String activeSip,
    @JsonPropertyDescription("Timeline of the current primary.")
    Long timeline,
    @JsonPropertyDescription("Streaming replication from the primary to the standby.")
    ReplicationStatus replication,
    @JsonPropertyDescription("Members the operator keeps at zero replicas: not yet initialised or"
        + " seeded, being seeded, or fenced.")
    List<String> stoppedMembers,
    @JsonPropertyDescription("The Job the lifecycle waits for (initdb of the primary, seed of the standby).")
    MemberJob job,
    @JsonPropertyDescription("The standby last seen as the primary's synchronous standby, every"
        + " acknowledged commit on it; cleared when synchronous replication is switched off or ends.")
    String synchronousStandby,
    @JsonPropertyDescription("The configuration in force on the members, and what waits for a restart.")
    ConfigurationStatus configuration,
    @JsonPropertyDescription("The value of the annotation pks.io/reseed (<member>/<request id>) the operator last"
        + " acted on: a different value is a new request to re-seed the standby.")
    String reseedRequest,
    @JsonPropertyDescription("The value of the annotation pks.io/restart (<member>/<request id>, or /<request id>"
        + " for both) the operator last acted on: a different value is a new request for a rolling restart.")
    String restartRequest,
    @JsonPropertyDescription("Members the rolling restart of restartRequest has still to restart, the standby"
        + " first; each leaves the list as its restart begins.")
    List<String> requestedRestarts,
    @JsonPropertyDescription("The value of the annotation pks.io/reload the operator last acted on: a different"
        + " value is a new request for pg_reload_conf() on both members.")
    String reloadRequest,
    @JsonPropertyDescription("When the operator ran pg_reload_conf() on the members for reloadRequest.")
    String reloadedAt,
    @JsonPropertyDescription("The value of the annotation pks.io/fence (<member>[/force],...) the operator last acted"
        + " on: a different value is a new request to fence or unfence members.")
    String fenceRequest,
    @JsonPropertyDescription("Members fenced on request: stopped (their StatefulSet at zero replicas, their volume"
        + " kept) until unfenced; never failed over from, promoted or re-seeded.")
    List<String> fencedMembers,
    @JsonPropertyDescription("Base backups and WAL archiving (spec.backup).")
    BackupStatus backup,
    @JsonPropertyDescription("Conditions: Ready, SpecValid, Replicating, SipRouted, BackupsHealthy (with spec.backup),"
        + " Fenced (while members are fenced).")
    List<Condition> conditions,
    @JsonPropertyDescription("Human sentence on the current phase, or why the pair is stuck.")
    String message) {

  public PksReplicaPairStatus {
    stoppedMembers = Values.list(stoppedMembers);
    requestedRestarts = Values.list(requestedRestarts);
    fencedMembers = Values.list(fencedMembers);
    conditions = Values.list(conditions);
  }

  public static final PksReplicaPairStatus EMPTY = builder().build();

  /** A status built field by field; unset fields are null (absent from the resource). */
  public static Builder builder() {
    return new Builder()
        ;
  }

  /** A builder holding every field of this status, to change some of them. */
  public Builder toBuilder() {
    return new Builder()
        .observedGeneration(observedGeneration).phase(phase).currentPrimary(currentPrimary)
        .targetPrimary(targetPrimary).requestedPrimary(requestedPrimary).switchoverLsn(switchoverLsn).restartingMember(restartingMember).memberStartedAt(memberStartedAt).standby(standby).activeSip(activeSip)
        .timeline(timeline)
        .replication(replication).stoppedMembers(stoppedMembers).job(job)
        .synchronousStandby(synchronousStandby).configuration(configuration).reseedRequest(reseedRequest)
        .restartRequest(restartRequest).requestedRestarts(requestedRestarts).reloadRequest(reloadRequest)
        .reloadedAt(reloadedAt).fenceRequest(fenceRequest).fencedMembers(fencedMembers).backup(backup).conditions(conditions).message(message);
  }

  /** Builds a {@link PksReplicaPairStatus}. */
  public static final class Builder {
    private Long observedGeneration;
    private Phase phase;
    private String currentPrimary;
    private String targetPrimary;
    private String requestedPrimary;
    private String switchoverLsn;
    private String restartingMember;
    private String memberStartedAt;
    private String standby;
    private String activeSip;
    private Long timeline;
    private ReplicationStatus replication;
    private List<String> stoppedMembers;
    private MemberJob job;
    private String synchronousStandby;
    private ConfigurationStatus configuration;
    private String reseedRequest;
    private String restartRequest;
    private List<String> requestedRestarts;
    private String reloadRequest;
    private String reloadedAt;
    private String fenceRequest;
    private List<String> fencedMembers;
    private BackupStatus backup;
    private List<Condition> conditions;
    private String message;

    private Builder() {
    }

    public Builder observedGeneration(Long observedGeneration) {
      this.observedGeneration = observedGeneration;
      return this;
    }

    public Builder phase(Phase phase) {
      this.phase = phase;
      return this;
    }

    public Builder currentPrimary(String currentPrimary) {
      this.currentPrimary = currentPrimary;
      return this;
    }

    public Builder requestedPrimary(String requestedPrimary) {
      this.requestedPrimary = requestedPrimary;
      return this;
    }

    public Builder switchoverLsn(String switchoverLsn) {
      this.switchoverLsn = switchoverLsn;
      return this;
    }

    public Builder restartingMember(String restartingMember) {
      this.restartingMember = restartingMember;
      return this;
    }

    public Builder memberStartedAt(String memberStartedAt) {
      this.memberStartedAt = memberStartedAt;
      return this;
    }

    public Builder configuration(ConfigurationStatus configuration) {
      this.configuration = configuration;
      return this;
    }

    public Builder targetPrimary(String targetPrimary) {
      this.targetPrimary = targetPrimary;
      return this;
    }

    public Builder standby(String standby) {
      this.standby = standby;
      return this;
    }

    public Builder activeSip(String activeSip) {
      this.activeSip = activeSip;
      return this;
    }

    public Builder timeline(Long timeline) {
      this.timeline = timeline;
      return this;
    }

    public Builder replication(ReplicationStatus replication) {
      this.replication = replication;
      return this;
    }

    public Builder stoppedMembers(List<String> stoppedMembers) {
      this.stoppedMembers = stoppedMembers;
      return this;
    }

    public Builder job(MemberJob job) {
      this.job = job;
      return this;
    }

    public Builder reseedRequest(String reseedRequest) {
      this.reseedRequest = reseedRequest;
      return this;
    }

    public Builder restartRequest(String restartRequest) {
      this.restartRequest = restartRequest;
      return this;
    }

    public Builder requestedRestarts(List<String> requestedRestarts) {
      this.requestedRestarts = requestedRestarts;
      return this;
    }

    public Builder reloadRequest(String reloadRequest) {
      this.reloadRequest = reloadRequest;
      return this;
    }

    public Builder reloadedAt(String reloadedAt) {
      this.reloadedAt = reloadedAt;
      return this;
    }

    public Builder fenceRequest(String fenceRequest) {
      this.fenceRequest = fenceRequest;
      return this;
    }

    public Builder fencedMembers(List<String> fencedMembers) {
      this.fencedMembers = fencedMembers;
      return this;
    }

    public Builder backup(BackupStatus backup) {
      this.backup = backup;
      return this;
    }

    public Builder synchronousStandby(String synchronousStandby) {
      this.synchronousStandby = synchronousStandby;
      return this;
    }

    public Builder conditions(List<Condition> conditions) {
      this.conditions = conditions;
      return this;
    }

    public Builder message(String message) {
      this.message = message;
      return this;
    }

    public PksReplicaPairStatus build() {
      return new PksReplicaPairStatus(observedGeneration, phase, currentPrimary, targetPrimary, requestedPrimary,
          switchoverLsn, restartingMember, memberStartedAt, standby, activeSip, timeline, replication, stoppedMembers, job,
          synchronousStandby, configuration, reseedRequest, restartRequest, requestedRestarts, reloadRequest, reloadedAt,
          fenceRequest, fencedMembers, backup, conditions, message);
    }
  }
}
