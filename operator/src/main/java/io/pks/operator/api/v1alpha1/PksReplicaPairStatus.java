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
    @JsonPropertyDescription("Conditions: Ready, SpecValid, Replicating, StandbySeeded, SipRouted.")
    List<Condition> conditions,
    @JsonPropertyDescription("Human sentence on the current phase, or why the pair is stuck.")
    String message) {

  public PksReplicaPairStatus {
    stoppedMembers = Values.list(stoppedMembers);
    conditions = Values.list(conditions);
  }

  public static final PksReplicaPairStatus EMPTY =
      new PksReplicaPairStatus(null, null, null, null, null, null, null, null, null, null, null, null, null);
}
