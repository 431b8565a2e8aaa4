package io.pks.operator.api.v1alpha1;

import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;

/** Desired state of a replica pair. Defaults are applied here as well as by the API server. */
@ValidationRule(value = SpecRules.CEL_TWO_DISTINCT_MEMBERS,
    message = "spec.members: the two member names must differ")
@ValidationRule(value = SpecRules.CEL_PRIMARY_IS_MEMBER,
    message = "spec.primary: must name one of spec.members")
@ValidationRule(value = SpecRules.CEL_SIP_ACTIVE_IS_MEMBER,
    message = "spec.sip.active: must be FollowPrimary or name one of spec.members")
@ValidationRule(value = SpecRules.CEL_MEMBER_NAMES_IMMUTABLE,
    message = "spec.members: member names are immutable")
@ValidationRule(value = SpecRules.CEL_NO_ARCHIVE_COMMAND_WITH_BACKUP,
    message = "spec.replication.archiveCommand: must be absent with spec.backup, which archives with pgBackRest")
public record PksReplicaPairSpec(
    @Required
    @Size(min = 2, max = 2)
    @JsonPropertyDescription("Exactly two sites, with distinct names.")
    List<Member> members,
    @Required
    @Size(max = SpecRules.MAX_MEMBER_NAME)
    @JsonPropertyDescription("Desired primary, a member name. Changing it requests a planned"
        + " switchover.")
    String primary,
    @Default("{}")
    @JsonPropertyDescription("PostgreSQL server settings shared by both members.")
    PostgresSpec postgres,
    @Default("Switchover")
    @JsonPropertyDescription("How the primary is restarted by a rolling restart (a setting PostgreSQL applies only"
        + " at start, the image, the pod template), once the standby was restarted and streams in sync again."
        + " Switchover: switch over to it, then restart the old primary as the standby (SIP moves with the"
        + " primary). Restart: restart the primary in place (writes wait until it is back).")
    PrimaryUpdateMethod primaryUpdateMethod,
    @Default("{}")
    @JsonPropertyDescription("Streaming replication settings.")
    ReplicationSpec replication,
    @Default("{}")
    @JsonPropertyDescription("Failover behaviour when the primary is lost.")
    FailoverSpec failover,
    @Default("{}")
    @JsonPropertyDescription("Routing of SIP traffic to the active site.")
    SipSpec sip,
    @Default("Retain")
    @JsonPropertyDescription("Retain keeps the volumes and generated Secrets when the pair is"
        + " deleted; Delete removes them.")
    DeletionPolicy deletionPolicy,
    @Default("{}")
    @JsonPropertyDescription("An optional NetworkPolicy limiting who reaches PostgreSQL.")
    NetworkPolicySpec networkPolicy,
    @Default("{}")
    @JsonPropertyDescription("How the pods the operator makes fit the cluster: pull secrets, priority,"
        + " topology spread, inherited labels and annotations.")
    PodsSpec pods,
    @JsonPropertyDescription("Continuous WAL archiving and base backups to an object store; none"
        + " when absent.")
    BackupSpec backup,
    @JsonPropertyDescription("How the pair gets its first data; initdb when absent.")
    BootstrapSpec bootstrap) {

  public PksReplicaPairSpec {
    members = Values.list(members);
    postgres = postgres == null ? PostgresSpec.defaults() : postgres;
    primaryUpdateMethod = primaryUpdateMethod == null ? PrimaryUpdateMethod.Switchover : primaryUpdateMethod;
    replication = replication == null ? ReplicationSpec.defaults() : replication;
    failover = failover == null ? FailoverSpec.defaults() : failover;
    sip = sip == null ? SipSpec.defaults() : sip;
    deletionPolicy = deletionPolicy == null ? DeletionPolicy.Retain : deletionPolicy;
    networkPolicy = networkPolicy == null ? NetworkPolicySpec.defaults() : networkPolicy;
    pods = pods == null ? PodsSpec.defaults() : pods;
  }

  /** This spec with another primary: what a completed failover records. */
  public PksReplicaPairSpec withPrimary(String member) {
    return new PksReplicaPairSpec(members, member, postgres, primaryUpdateMethod, replication, failover, sip,
        deletionPolicy, networkPolicy, pods, backup, bootstrap);
  }

  /** The backup settings, when the pair archives and takes backups. */
  public Optional<BackupSpec> backups() {
    return Optional.ofNullable(backup);
  }

  /** The restore the first primary starts from, when the pair is bootstrapped from a backup. */
  public Optional<RecoverySpec> recovery() {
    return Optional.ofNullable(bootstrap).map(BootstrapSpec::recovery);
  }

  /** The member named {@code name}, which must be one of the members. */
  public Member member(String name) {
    return members.stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow(
        () -> new IllegalArgumentException("no member named " + name));
  }

  /** The member other than {@code name}. */
  public String peerOf(String name) {
    return members.stream().map(Member::name).filter(n -> !n.equals(name)).findFirst().orElseThrow();
  }
}
