package io.pks.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * The primary's view of its standby, as last written. Rewritten when something meaningful
 * changes (roles, state, sync state, slot, timeline, or lag crossing a bucket), not on every probe,
 * so the LSNs are those of that moment.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ReplicationStatus(
    @JsonPropertyDescription("pg_stat_replication.state of the standby (streaming, catchup, ...);"
        + " \"none\" when no standby is connected, \"unknown\" when the primary cannot be reached.")
    String state,
    @JsonPropertyDescription("pg_stat_replication.sync_state: sync, async, potential.")
    String syncState,
    @JsonPropertyDescription("Last WAL position sent to the standby.")
    String sentLsn,
    @JsonPropertyDescription("Last WAL position replayed by the standby.")
    String replayLsn,
    @JsonPropertyDescription("Bytes of WAL between the primary's position and the standby's replay.")
    Long lagBytes,
    @JsonPropertyDescription("Seconds the standby's replay is behind.")
    Double replayLagSeconds,
    @JsonPropertyDescription("Replication slot kept for the standby.")
    String slot,
    @JsonPropertyDescription("When the probe saw this.")
    String observedAt) {
}
