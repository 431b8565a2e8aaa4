package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The Job the lifecycle waits for. Recorded in the status before the Job is created, so an
 * operator restarted at any point finds the same Job instead of starting a second one.
 */
public record MemberJob(
    @JsonPropertyDescription("Name of the Job.")
    String name,
    @JsonPropertyDescription("Member whose volume the Job works on; its StatefulSet stays at zero replicas until the Job succeeds.")
    String member,
    @JsonPropertyDescription("Initdb, Restore (in place of initdb, from spec.bootstrap.recovery), Seed (a copy of the primary), or"
        + " Rejoin (an old primary made the standby: pg_rewind, or a copy when it cannot rewind).")
    MemberJobKind kind) {
}
